import type { ChildProcess } from 'node:child_process';
import type { TransportStatus } from '@trainwire/core';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture as run } from './__tests__/runFixture.js';
import { startServer } from './__tests__/signalingFixture.js';
import { connectToWorker } from './connectToWorker.js';

// 64 MiB up and back (many chunks, both directions); TRAINWIRE_TRANSFER_MIB=256 moves what
// users move. Speed is measured in bench/transfer, not here.
const SIZE = Number(process.env.TRAINWIRE_TRANSFER_MIB ?? 64) * 1024 * 1024;
/** Between two backends, werift's speed sets the time: a quarter of that is enough to interoperate. */
const INTEROP_SIZE = SIZE / 4;
/** What the fixtures run on (`TRAINWIRE_RTC_BACKEND`); auto is node-datachannel here. */
type Backend = 'auto' | 'werift' | 'node-datachannel';

describe('client and worker in separate processes, through a real signaling server', () => {
  let started: Awaited<ReturnType<typeof startServer>>;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    started = await startServer();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await started.dispose();
  });

  /** Two workers and a client, each in its own process, on the given backends. */
  async function exchange(
    room: string,
    clientBackend: Backend,
    workerBackend: Backend,
    size: number,
  ) {
    const { server } = started;
    server.createRoom(room);
    const bigKey = server.createCredential(room, 'worker-key', 'big').secret;
    const smallKey = server.createCredential(room, 'worker-key', 'small').secret;
    const token = server.createCredential(room, 'room-token').secret;
    const onWorker = { TRAINWIRE_RTC_BACKEND: workerBackend };
    const big = run('worker.mjs', [server.url, room, bigKey, 'big-gpu', '24576'], onWorker);
    const small = run('worker.mjs', [server.url, room, smallKey, 'small-gpu', '8192'], onWorker);
    children.push(big.child, small.child);
    await Promise.all([big.next('ready'), small.next('ready')]);

    const client = run('client.mjs', [server.url, room, token, String(size)], {
      TRAINWIRE_RTC_BACKEND: clientBackend,
    });
    children.push(client.child);
    const workers = await client.next('workers');
    expect(workers).toMatchObject({ names: ['big-gpu', 'small-gpu'], chosen: 'big-gpu' });
    const pong = await client.next('pong');
    expect(pong).toMatchObject({ reply: { op: 'pong', n: 7 } });
    const result = await client.next('result');
    expect(result.atWorker).toBe(result.sent);
    expect(result.workerSize).toBe(size);
    expect(result.returned).toEqual({
      name: 'back: inputs: ünïcödé labels 🐭.slp',
      sha256: result.sent,
      bytes: size,
    });
    // Closed, it exits by itself: nothing native keeps it running.
    expect(await client.exited, client.stderr()).toBe(0);
    // The client connected to the worker it chose, and only to it.
    const connections = big.lines.filter((l) => l.event === 'connection');
    expect(connections).toHaveLength(1);
    expect(small.lines.filter((l) => l.event === 'connection')).toEqual([]);
    const auto = (backend: Backend) => (backend === 'auto' ? 'node-datachannel' : backend);
    expect([pong.backend, connections[0]!.backend]).toEqual([
      auto(clientBackend),
      auto(workerBackend),
    ]);
  }

  it('discovers, connects, exchanges frames and moves a file both ways with matching SHA-256', async () => {
    await exchange('lab', 'auto', 'auto', SIZE);
  }, 120_000);

  it.each([
    ['werift', 'node-datachannel'],
    ['node-datachannel', 'werift'],
  ] as const)(
    'interoperates: a %s client with a %s worker, frames and a file both ways, SHA-256 intact',
    async (clientBackend, workerBackend) => {
      await exchange(`interop-${clientBackend}`, clientBackend, workerBackend, INTEROP_SIZE);
    },
    120_000,
  );

  it('notices a worker killed without a word within the silence timeout, and closes the link', async () => {
    const { server } = started;
    server.createRoom('doomed');
    const key = server.createCredential('doomed', 'worker-key').secret;
    const token = server.createCredential('doomed', 'room-token').secret;
    const worker = run('worker.mjs', [server.url, 'doomed', key, 'doomed-gpu', '8192']);
    children.push(worker.child);
    const { peerId } = await worker.next('ready');
    const signaling = started.client({ room: 'doomed', role: 'client', credential: token });
    await signaling.connect();
    const timeouts = { keepaliveMs: 250, silenceTimeoutMs: 2_000, reconnectTimeoutMs: 2_000 };
    const transport = await connectToWorker({
      signaling,
      workerId: peerId as string,
      rtc: { loopbackOnly: true },
      ...timeouts,
    });
    const pong = firstValueFrom(transport.messages$);
    transport.send(JSON.stringify({ op: 'ping', n: 1 }));
    expect(JSON.parse(await pong)).toEqual({ op: 'pong', n: 1 });
    const seen: Array<{ status: TransportStatus; at: number }> = [];
    transport.status$.subscribe((status) => seen.push({ status, at: Date.now() }));
    const closed = firstValueFrom(transport.status$.pipe(filter((s) => s === 'closed')));

    // kill -9: no `bye`, no SCTP ABORT; werift alone notices only when ICE consent
    // expires, 30 s later.
    const killedAt = Date.now();
    worker.child.kill('SIGKILL');
    await closed;
    expect(seen.map((s) => s.status)).toEqual(['open', 'reconnecting', 'closed']);
    const [, reconnecting, gone] = seen as [unknown, { at: number }, { at: number }];
    expect(reconnecting.at - killedAt).toBeGreaterThanOrEqual(timeouts.silenceTimeoutMs - 300);
    expect(reconnecting.at - killedAt).toBeLessThan(timeouts.silenceTimeoutMs + 3_000);
    expect(gone.at - reconnecting.at).toBeGreaterThanOrEqual(timeouts.reconnectTimeoutMs - 50);
  }, 30_000);
});
