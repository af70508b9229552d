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

  it('discovers, connects, exchanges frames and moves a file both ways with matching SHA-256', async () => {
    const { server } = started;
    server.createRoom('lab');
    const bigKey = server.createCredential('lab', 'worker-key', 'big').secret;
    const smallKey = server.createCredential('lab', 'worker-key', 'small').secret;
    const token = server.createCredential('lab', 'room-token').secret;
    const big = run('worker.mjs', [server.url, 'lab', bigKey, 'big-gpu', '24576']);
    const small = run('worker.mjs', [server.url, 'lab', smallKey, 'small-gpu', '8192']);
    children.push(big.child, small.child);
    await Promise.all([big.next('ready'), small.next('ready')]);

    const client = run('client.mjs', [server.url, 'lab', token, String(SIZE)]);
    children.push(client.child);
    const workers = await client.next('workers');
    expect(workers).toMatchObject({ names: ['big-gpu', 'small-gpu'], chosen: 'big-gpu' });
    expect(await client.next('pong')).toMatchObject({ reply: { op: 'pong', n: 7 } });
    const result = await client.next('result');
    expect(result.atWorker).toBe(result.sent);
    expect(result.workerSize).toBe(SIZE);
    expect(result.returned).toEqual({
      name: 'back: inputs: ünïcödé labels 🐭.slp',
      sha256: result.sent,
      bytes: SIZE,
    });
    expect(await client.exited).toBe(0);
    // The client connected to the worker it chose, and only to it.
    expect(big.lines.filter((l) => l.event === 'connection')).toHaveLength(1);
    expect(small.lines.filter((l) => l.event === 'connection')).toEqual([]);
  }, 120_000);

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
