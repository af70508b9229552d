import { rmSync } from 'node:fs';
import { VirtualClock } from '@trainwire/core/testing';
import { filter, firstValueFrom, takeWhile, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { registerRaw, startServer, workerInfo } from './__tests__/signalingFixture.js';
import { createSignalingServer } from './createSignalingServer.js';
import { SignalingClient } from './SignalingClient.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('SignalingClient and a server restart', () => {
  it('keeps rooms and keys across a restart; the client reconnects with its peer id', async () => {
    const first = await startServer();
    const { dataDir, server } = first;
    server.createRoom('lab');
    const key = server.createCredential('lab', 'worker-key').secret;
    const worker = new SignalingClient({
      url: server.url,
      room: 'lab',
      role: 'worker',
      credential: key,
      info: workerInfo('w1', 16_384),
      backoff: { initialMs: 20, maxMs: 200 },
    });
    cleanups.push(() => worker.close());
    const peerId = await worker.connect();
    await worker.update({ status: 'reserved' });
    const statuses = firstValueFrom(
      worker.status$.pipe(
        takeWhile((s) => s !== 'open', true),
        toArray(),
      ),
    );
    const seen: string[] = [];
    const sub = worker.status$.subscribe((s) => seen.push(s));
    cleanups.push(async () => sub.unsubscribe());
    await statuses;
    await first.dispose(true);
    await firstValueFrom(worker.status$.pipe(filter((s) => s === 'reconnecting')));

    const second = await createSignalingServer({ host: '127.0.0.1', port: server.port, dataDir });
    cleanups.push(async () => {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    expect(second.store.getRoom('lab')).toBeDefined();
    await firstValueFrom(worker.status$.pipe(filter((s) => s === 'open')));
    expect(worker.peerId).toBe(peerId);
    expect(seen).toEqual(['open', 'reconnecting', 'open']);

    second.createRoom('lab');
    const token = second.createCredential('lab', 'room-token').secret;
    const client = new SignalingClient({
      url: second.url,
      room: 'lab',
      role: 'client',
      credential: token,
    });
    cleanups.push(() => client.close());
    await client.connect();
    const [found] = await client.discover({ role: 'worker' });
    // Re-registered with its metadata and its last published status.
    expect(found).toMatchObject({ peerId, name: 'w1', status: 'reserved' });
  });

  it('rejects connect with signaling_unreachable when no server listens', async () => {
    const client = new SignalingClient({
      url: 'ws://127.0.0.1:1',
      room: 'lab',
      role: 'client',
      credential: 'x',
    });
    const error = await client.connect().catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('signaling_unreachable');
  });

  it('rejects connect at once when the server refuses the register (a 200-character name)', async () => {
    const started = await startServer();
    cleanups.push(() => started.dispose());
    started.server.createRoom('lab');
    const token = started.server.createCredential('lab', 'room-token').secret;
    const client = started.client({
      room: 'lab',
      role: 'client',
      credential: token,
      name: 'n'.repeat(200),
    });
    const outcome = await Promise.race([
      client.connect().then(
        () => 'connected',
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(resolve, 1000, 'still waiting after 1 s')),
    ]);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).name).toBe('TransportWebrtcError');
    expect((outcome as { code?: string }).code).toBe('bad_message');
    expect((outcome as Error).message).toMatch(/name: .*128/);
    expect(client.currentStatus).toBe('closed');
  });

  it('drops a link silent for three heartbeats and comes back with its peer id', async () => {
    // The client's time is virtual; the server's first ping is 15 real seconds away.
    const clock = new VirtualClock();
    const started = await startServer();
    cleanups.push(() => started.dispose());
    started.server.createRoom('lab');
    const token = started.server.createCredential('lab', 'room-token').secret;
    const client = started.client({
      room: 'lab',
      role: 'client',
      credential: token,
      scheduler: clock,
    });
    const peerId = await client.connect();
    const statuses: string[] = [];
    client.status$.subscribe((status) => statuses.push(status));

    clock.advanceBy(45_000); // three heartbeats of silence: not yet more than that
    expect(client.currentStatus).toBe('open');
    clock.advanceBy(15_000);
    await firstValueFrom(client.status$.pipe(filter((s) => s === 'reconnecting')));
    clock.advanceBy(250); // the first retry waits at most backoff.initialMs
    await firstValueFrom(client.status$.pipe(filter((s) => s === 'open')));
    expect(client.peerId).toBe(peerId);
    expect(statuses).toEqual(['open', 'reconnecting', 'open']);
  });

  it('waits out too_many_attempts when reconnecting, instead of giving up', async () => {
    // The server's time is virtual: its 1 s block lasts until the test moves it on.
    const clock = new VirtualClock();
    let connections = 0;
    const started = await startServer({
      scheduler: clock,
      addressOf: (req) => {
        connections++;
        return req.socket.remoteAddress ?? '?';
      },
    });
    cleanups.push(() => started.dispose());
    started.server.createRoom('lab');
    const token = started.server.createCredential('lab', 'room-token').secret;
    const client = started.client({
      room: 'lab',
      role: 'client',
      credential: token,
      backoff: { initialMs: 10, maxMs: 20 },
    });
    const peerId = await client.connect();
    const statuses: string[] = [];
    client.status$.subscribe((status) => statuses.push(status));
    // Someone on the same address fails six times: the address is blocked.
    for (let i = 0; i < 6; i++)
      await registerRaw(started.server.url, { role: 'client', room: 'lab', credential: `x${i}` });
    const before = connections;
    (client as unknown as { socket: { close(code: number): void } }).socket.close(4000);
    await firstValueFrom(client.status$.pipe(filter((s) => s === 'reconnecting')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Refused with retryAfterMs 1000: still trying, not closed, not spinning.
    expect(client.currentStatus).toBe('reconnecting');
    clock.advanceBy(1000);
    await firstValueFrom(client.status$.pipe(filter((s) => s === 'open')));
    expect(client.peerId).toBe(peerId);
    expect(statuses).toEqual(['open', 'reconnecting', 'open']);
    // One refused attempt, then the one that worked.
    expect(connections - before).toBe(2);
  });
});

describe('SignalingClient with several URLs of one service', () => {
  it('tries the next URL when the first cannot be reached, and names them all when none can', async () => {
    const started = await startServer();
    cleanups.push(() => started.dispose());
    started.server.createRoom('lab');
    const token = started.server.createCredential('lab', 'room-token').secret;
    // A port nothing listens on: the first instance is down.
    const down = 'ws://127.0.0.1:1';
    const client = new SignalingClient({
      url: down,
      urls: [started.server.url],
      room: 'lab',
      role: 'client',
      credential: token,
    });
    cleanups.push(() => client.close());
    await client.connect();
    expect(client.url).toBe(started.server.url);
    expect(started.server.stats().peers).toBe(1);

    const nowhere = new SignalingClient({
      url: down,
      urls: ['ws://127.0.0.1:2'],
      room: 'lab',
      role: 'client',
      credential: token,
    });
    await expect(nowhere.connect()).rejects.toMatchObject({
      code: 'signaling_unreachable',
      message: expect.stringContaining('(nor at 1 other URL(s))'),
    });
  });
});
