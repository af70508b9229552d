import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transport } from '@trainwire/core';
import {
  createSignalingServer,
  goOnline,
  type OnlineWorker,
  type SignalingServer,
} from '@trainwire/transport-webrtc';
import { createWorker, type Worker } from '@trainwire/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';

// `trainwire conformance` against trainwire's own worker over real signaling (127.0.0.1)
// and real WebRTC: it conforms. The same worker behind a link that breaks the protocol in
// two ways a careless implementation would (a raw errno on the wire, a lost event) does not.

const command = COMMANDS.find((c) => c.name === 'conformance')!;

/** The worker's end of a link, breaking the protocol: errno codes out, every 3rd event lost. */
function breakProtocol(transport: Transport): Transport {
  let events = 0;
  return new Proxy(transport, {
    get(target, key, receiver) {
      if (key !== 'send') return Reflect.get(target, key, receiver);
      return (text: string) => {
        const frame = JSON.parse(text) as { type?: string; error?: { code?: string } };
        if (frame.type === 'event' && ++events % 3 === 0) return;
        if (frame.error?.code === 'unknown_job') frame.error.code = 'ENOENT';
        target.send(JSON.stringify(frame));
      };
    },
  });
}

describe('trainwire conformance over WebRTC', () => {
  let server: SignalingServer;
  const workers: Worker[] = [];
  const online: OnlineWorker[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await createSignalingServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: await mkdtemp(join(tmpdir(), 'tw-signal-')),
      logger: () => undefined,
    });
    server.createRoom('lab');
    const token = server.createCredential('lab', 'room-token', 'checker');
    for (const [name, wrap] of [
      ['gpu-1', (t: Transport) => t],
      ['gpu-broken', breakProtocol],
    ] as const) {
      const worker = await createWorker(
        { dataDir: await mkdtemp(join(tmpdir(), 'tw-worker-')), name },
        { runCommand: async () => Promise.reject(new Error('no nvidia-smi')) },
      );
      workers.push(worker);
      const key = server.createCredential('lab', 'worker-key');
      online.push(
        await goOnline(
          { info: () => worker.info(), accept: (t, identity) => worker.accept(wrap(t), identity) },
          { signalingUrl: server.url, room: 'lab', credential: key.secret },
        ),
      );
    }
    env = {
      TRAINWIRE_URL: server.url,
      TRAINWIRE_ROOM: 'lab',
      TRAINWIRE_TOKEN: token.secret,
      HOME: await mkdtemp(join(tmpdir(), 'tw-home-')),
    };
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close({ flushMs: 100 });
    for (const o of online) await o.close();
    await server?.close();
  });

  async function conformance(...argv: string[]) {
    const t = fakeIo({ env });
    const run = await command.run();
    const code = await run(parseCommandArgs(command, argv), t.io);
    return { code, out: t.out(), err: t.err() };
  }

  it("passes against trainwire's own worker, every check", async () => {
    const { code, out } = await conformance('--worker', 'gpu-1', '--json');
    const lines = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const summary = lines.pop();
    const failed = lines.filter((r) => !r.passed);
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(summary).toMatchObject({ ok: true, worker: 'gpu-1', failed: 0 });
    expect(lines.map((r) => r.id)).toEqual(
      expect.arrayContaining(['frames.version', 'job.attach', 'file.download.errors', 'upload']),
    );
    expect(lines.length).toBeGreaterThanOrEqual(20);
    expect(code).toBe(0);
  });

  it('fails a worker that breaks the protocol, naming each broken check (exit 1)', async () => {
    const { code, out } = await conformance('--worker', 'gpu-broken');
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL {2}job\.start +/);
    expect(out).toMatch(/FAIL {2}methods\.unknown-job[^\n]*\n +job\.attach .* failed with ENOENT/);
    expect(out).toMatch(/FAIL {2}file\.download +[^\n]*\n +no job ran/);
    expect(out).toMatch(
      /FAIL {2}errors\.documented[^\n]*\n +undocumented codes on the wire: ENOENT/,
    );
    expect(out).toMatch(/^pass {2}frames\.version/m);
    expect(out).toContain('worker gpu-broken does not conform');
  });

  it('refuses --only with a check that does not exist, naming the real ones', async () => {
    await expect(conformance('--worker', 'gpu-1', '--only', 'job.teleport')).rejects.toThrow(
      /--only names no check job\.teleport; the checks are worker\.info, /,
    );
  });
});
