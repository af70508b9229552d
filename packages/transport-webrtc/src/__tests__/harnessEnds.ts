import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { type RemoteEvent, RemoteTransport } from './RemoteTransport.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

/** Routes events by connection index, keeping those that arrive before their proxy. */
class Router {
  private readonly proxies = new Map<number, RemoteTransport>();
  private readonly early = new Map<number, RemoteEvent[]>();

  deliver(index: number, event: RemoteEvent): void {
    const proxy = this.proxies.get(index);
    if (proxy) proxy.onEvent(event);
    else this.early.set(index, [...(this.early.get(index) ?? []), event]);
  }

  adopt(index: number, proxy: RemoteTransport): RemoteTransport {
    this.proxies.set(index, proxy);
    for (const event of this.early.get(index) ?? []) proxy.onEvent(event);
    this.early.delete(index);
    return proxy;
  }
}

/**
 * The worker in the network namespace (netnsPeer.mjs in `harness` mode), on the WebRTC
 * `backend` given: each connection it accepts becomes a RemoteTransport here.
 */
export async function startWorkerHarness(ns: string, host: string, backend: string) {
  const child: ChildProcess = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, `${fixtures}netnsPeer.mjs`, host, 'harness'],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, TRAINWIRE_RTC_BACKEND: backend } },
  );
  const router = new Router();
  const answers = new Map<number, (reply: { ok: boolean; error?: string }) => void>();
  const connections: number[] = [];
  const waiters: Array<() => void> = [];
  let ready: (value: { url: string; token: string }) => void;
  const endpoint = new Promise<{ url: string; token: string }>((resolve) => (ready = resolve));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text);
    if (line.url) ready(line);
    else if (line.event) router.deliver(line.conn, line.event);
    else if (line.connection !== undefined) {
      connections.push(line.connection);
      for (const wake of waiters.splice(0)) wake();
    } else answers.get(line.cid)?.(line);
  });
  let nextCid = 1;
  const call = (conn: number) => (op: string, args: Record<string, unknown>) =>
    new Promise<unknown>((resolve, reject) => {
      const cid = nextCid++;
      answers.set(cid, (reply) => {
        answers.delete(cid);
        if (reply.ok) resolve(undefined);
        else reject(new Error(reply.error));
      });
      child.stdin!.write(`${JSON.stringify({ cid, conn, op, args })}\n`);
    });
  return {
    child,
    endpoint: await endpoint,
    /** The next accepted connection, as a transport. */
    async nextConnection(): Promise<RemoteTransport> {
      while (connections.length === 0) await new Promise<void>((r) => waiters.push(r));
      const conn = connections.shift()!;
      return router.adopt(conn, new RemoteTransport(`worker#${conn}`, call(conn)));
    },
  };
}

/** A client transport inside a Chromium page (the bundle must be loaded already). */
export async function preparePage(page: Page) {
  const router = new Router();
  await page.exposeFunction('__twEmit', (index: number, event: RemoteEvent) =>
    router.deliver(index, event),
  );
  const harness = readFileSync(`${fixtures}remoteHarness.mjs`, 'utf8').replace(/^export /m, '');
  await page.addScriptTag({
    content: `${harness}
      window.__twPairs = [];
      window.__twConnect = async (url, token) => {
        const tw = window.trainwire;
        if (!window.__twSignaling) {
          window.__twSignaling = new tw.SignalingClient({ url, room: 'browser', role: 'client', credential: token });
          await window.__twSignaling.connect();
        }
        const [worker] = await tw.listWorkers(window.__twSignaling);
        const transport = await tw.connectToWorker({ signaling: window.__twSignaling, workerId: worker.peerId });
        const index = window.__twPairs.length;
        window.__twPairs.push(attach(transport, (event) => window.__twEmit(index, event)));
        return index;
      };
      window.__twCall = (index, op, args) => window.__twPairs[index][op](args);`,
  });
  return {
    async connect(url: string, token: string): Promise<RemoteTransport> {
      const index = await page.evaluate(
        ([u, t]) =>
          (window as unknown as { __twConnect(u: string, t: string): Promise<number> }).__twConnect(
            u!,
            t!,
          ),
        [url, token],
      );
      const call = (op: string, args: Record<string, unknown>) =>
        page.evaluate(
          ([i, o, a]) =>
            (
              window as unknown as { __twCall(i: unknown, o: unknown, a: unknown): unknown }
            ).__twCall(i, o, a),
          [index, op, args] as const,
        );
      return router.adopt(index, new RemoteTransport(`page#${index}`, call));
    },
  };
}
