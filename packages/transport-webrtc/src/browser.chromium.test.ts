import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runTransportCompliance } from '@trainwire/core/testing/compliance';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser } from './__tests__/bundleForBrowser.js';
import { preparePage, startWorkerHarness } from './__tests__/harnessEnds.js';
import { pairFixture } from './__tests__/linkPair.js';

const CHROMIUM = '/usr/bin/chromium';
const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const SIZE = 2 * 1024 * 1024;

/**
 * Chromium ignores the loopback interface for WebRTC, so this test makes a network
 * namespace with a veth pair holding private addresses and no default route, and runs
 * Chromium and the werift side in it: the traffic never leaves the machine. That needs
 * root and iproute2; otherwise the test is skipped, saying why.
 */
function whyNot(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'creating a network namespace needs root';
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'the `ip` command (iproute2) is missing';
  }
  // Root in a container may still lack CAP_NET_ADMIN: try once.
  const probe = `tw-probe-${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? error).trim();
    return `cannot create a network namespace here (${stderr})`;
  }
  return undefined;
}

const reason = whyNot();
if (reason) console.warn(`[transport-webrtc] skipping the Chromium test: ${reason}`);

/** Stops a fixture process (SIGTERM: it closes its links and server) and waits for it. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

describe.skipIf(reason !== undefined)('browser (Chromium) ↔ Node worker', () => {
  const ns = `tw-test-${process.pid}`;
  const ip = (...args: string[]) => execFileSync('ip', ['netns', 'exec', ns, 'ip', ...args]);
  let dir: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', ns]);
    ip('link', 'set', 'lo', 'up');
    ip('link', 'add', 'tw0', 'type', 'veth', 'peer', 'name', 'tw1');
    ip('addr', 'add', '10.213.0.1/24', 'dev', 'tw0');
    ip('addr', 'add', '10.213.0.2/24', 'dev', 'tw1');
    ip('link', 'set', 'tw0', 'up');
    ip('link', 'set', 'tw1', 'up');
    dir = mkdtempSync(join(tmpdir(), 'tw-chromium-'));
    const wrapper = join(dir, 'chromium-in-netns.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`, {
      mode: 0o755,
    });
    browser = await chromium.launch({
      executablePath: wrapper,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    try {
      execFileSync('ip', ['netns', 'del', ns]);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  // The same page against each Node backend: werift, and libdatachannel (node-datachannel).
  describe.each(['werift', 'node-datachannel'])('a %s worker', (backend) => {
    let peer: ChildProcess | undefined;
    let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
    let endpoint: { url: string; token: string };
    beforeAll(async () => {
      peer = spawn(
        'ip',
        ['netns', 'exec', ns, process.execPath, `${fixtures}netnsPeer.mjs`, '10.213.0.1'],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...process.env, TRAINWIRE_RTC_BACKEND: backend },
        },
      );
      const [line] = (await once(createInterface({ input: peer.stdout! }), 'line')) as [string];
      endpoint = JSON.parse(line);
      expect(endpoint).toMatchObject({ backend });
    }, 60_000);
    afterAll(async () => {
      await stop(harness?.child);
      await stop(peer);
    });

    it('connects from the page, exchanges frames and moves bytes both ways', async () => {
      const page = await browser!.newPage();
      await page.addScriptTag({ content: await bundleForBrowser() });
      const result = await page.evaluate(
        async ({ url, token, size }) => {
          const tw = (globalThis as unknown as { trainwire: typeof import('./browser.js') })
            .trainwire;
          const signaling = new tw.SignalingClient({
            url,
            room: 'browser',
            role: 'client',
            credential: token,
          });
          await signaling.connect();
          const worker = tw.autoSelect(await tw.listWorkers(signaling), {
            minGpuMemoryMiB: 16_384,
          });
          const transport = await tw.connectToWorker({ signaling, workerId: worker!.peerId });
          const inbox: string[] = [];
          const waiters: Array<() => void> = [];
          transport.messages$.subscribe((m) => {
            inbox.push(m);
            for (const wake of waiters.splice(0)) wake();
          });
          const next = async (op: string) => {
            for (;;) {
              const found = inbox.find((m) => JSON.parse(m).op === op);
              if (found) return JSON.parse(found);
              await new Promise<void>((r) => waiters.push(r));
            }
          };
          transport.send(JSON.stringify({ op: 'ping', n: 1 }));
          const pong = await next('pong');
          const data = new Uint8Array(size);
          for (let i = 0; i < size; i++) data[i] = (i * 13 + (i >> 9)) & 0xff;
          const back = new Promise<number[]>((resolve, reject) =>
            transport.byteStreams$.subscribe((stream) => {
              const got: Uint8Array[] = [];
              stream.chunks$.subscribe({
                next: (c) => got.push(c),
                error: reject,
                complete: () => {
                  const joined = new Uint8Array(got.reduce((n, c) => n + c.length, 0));
                  let at = 0;
                  for (const c of got) {
                    joined.set(c, at);
                    at += c.length;
                  }
                  resolve([joined.length, ...joined.subarray(0, 16)]);
                },
              });
            }),
          );
          const writer = await transport.openByteStream({
            id: 'up',
            name: 'from the browser ✓.bin',
            size,
            offset: 0,
          });
          await writer.write(data);
          await writer.end();
          const received = await next('received');
          const returned = await back;
          const { maxMessageSize, backend } = transport;
          await transport.close();
          await signaling.close();
          return { pong, received, returned, maxMessageSize, backend };
        },
        { ...endpoint, size: SIZE },
      );
      const data = new Uint8Array(SIZE);
      for (let i = 0; i < SIZE; i++) data[i] = (i * 13 + (i >> 9)) & 0xff;
      expect(result.pong).toEqual({ op: 'pong', n: 1 });
      expect(result.received).toEqual({
        op: 'received',
        id: 'up',
        size: SIZE,
        sha256: createHash('sha256').update(data).digest('hex'),
      });
      expect(result.returned).toEqual([SIZE, ...data.subarray(0, 16)]);
      expect(result.maxMessageSize).toBe(256 * 1024);
      expect(result.backend).toBe('browser');
    }, 60_000);

    it("a worker's close reaches a peer that knows no bye at once: its channel closes, not ~30 s later at ICE consent", async () => {
      const page = await browser!.newPage();
      await page.addScriptTag({ content: await bundleForBrowser() });
      // The page is a plain RTCPeerConnection (as an aiortc or webrtc-rs client would be): it
      // ignores the binary bye frame, so only the SCTP close tells it the link is gone.
      const result = await page.evaluate(async ({ url, token }) => {
        const tw = (globalThis as unknown as { trainwire: typeof import('./browser.js') })
          .trainwire;
        const signaling = new tw.SignalingClient({
          url,
          room: 'browser',
          role: 'client',
          credential: token,
        });
        await signaling.connect();
        const [worker] = await tw.listWorkers(signaling);
        const to = worker!.peerId;
        const link = `raw${Math.random().toString(16).slice(2, 14)}`;
        const pc = new RTCPeerConnection({ iceServers: [] });
        const dc = pc.createDataChannel('control', { protocol: 'trainwire-control/1' });
        const early: RTCIceCandidateInit[] = [];
        let described = false;
        signaling.signals$.subscribe(async ({ from, data }) => {
          if (from !== to || data.link !== link) return;
          if (data.kind === 'answer') {
            await pc.setRemoteDescription({ type: 'answer', sdp: String(data.sdp) });
            described = true;
            for (const c of early.splice(0)) await pc.addIceCandidate(c).catch(() => undefined);
          } else if (data.kind === 'candidate') {
            const candidate = data.candidate as RTCIceCandidateInit;
            if (described) await pc.addIceCandidate(candidate).catch(() => undefined);
            else early.push(candidate);
          }
        });
        pc.onicecandidate = ({ candidate }) => {
          if (candidate)
            signaling.signal(to, {
              v: 1,
              link,
              kind: 'candidate',
              attempt: 1,
              candidate: candidate.toJSON(),
            });
        };
        await pc.setLocalDescription(await pc.createOffer());
        signaling.signal(to, {
          v: 1,
          link,
          kind: 'offer',
          attempt: 1,
          sdp: pc.localDescription!.sdp,
        });
        await new Promise((resolve) => (dc.onopen = resolve));
        const closed = new Promise<number>(
          (resolve) => (dc.onclose = () => resolve(performance.now())),
        );
        const asked = performance.now();
        dc.send(JSON.stringify({ op: 'close' }));
        const at = await Promise.race([
          closed,
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000)),
        ]);
        const state = pc.connectionState;
        pc.close();
        await signaling.close();
        return { afterMs: at === null ? null : at - asked, state };
      }, endpoint);
      // Within ICE consent's 30 s the channel would stay open without a proper SCTP close.
      expect(
        result.afterMs,
        'the data channel was still open 15 s after the worker closed',
      ).not.toBeNull();
    }, 60_000);

    describe('core compliance, the client in Chromium and the worker in werift', () => {
      let page: Awaited<ReturnType<typeof preparePage>>;
      beforeAll(async () => {
        harness = await startWorkerHarness(ns, '10.213.0.1', backend);
        const tab = await browser!.newPage();
        await tab.addScriptTag({ content: await bundleForBrowser() });
        page = await preparePage(tab);
      }, 60_000);

      runTransportCompliance(`webrtc (Chromium ↔ ${backend})`, async () => {
        const { url, token } = harness!.endpoint;
        const client = await page.connect(url, token);
        return pairFixture(client, await harness!.nextConnection());
      });
    });
  });
});
