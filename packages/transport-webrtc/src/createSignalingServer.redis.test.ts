import { filter, firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from './__tests__/redisServer.js';
import { runFixture } from './__tests__/runFixture.js';
import { rawSocket, workerInfo } from './__tests__/signalingFixture.js';
import { connectToWorker } from './connectToWorker.js';
import { createSignalingServer, type SharedSignalingServer } from './createSignalingServer.js';
import { createWorkerEndpoint } from './createWorkerEndpoint.js';
import { listWorkers } from './listWorkers.js';
import { SignalingClient, type SignalingClientOptions } from './SignalingClient.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const rtc = { loopbackOnly: true };
const backoff = { initialMs: 20, maxMs: 200 };
let deployments = 0;

/** `count` signaling instances on one Redis, under a prefix of their own. */
async function instances(count: number, heartbeatMs = 15_000) {
  const redisPrefix = `scale${++deployments}:`;
  const servers: SharedSignalingServer[] = [];
  for (let i = 0; i < count; i++) {
    const server = await createSignalingServer({
      redis: redis.url,
      redisPrefix,
      heartbeatMs,
      logger: () => undefined,
    });
    cleanups.push(() => server.close());
    servers.push(server);
  }
  return { servers, redisPrefix };
}

function client(options: SignalingClientOptions): SignalingClient {
  const signaling = new SignalingClient({ backoff, ...options });
  cleanups.push(() => signaling.close());
  return signaling;
}

/** Worker `gpu-1` in room `lab`, registered through `url` (then `urls`). */
async function worker(credential: string, url: string, urls?: string[]) {
  const info = workerInfo('gpu-1', 24_576);
  const workerSignaling = client({ url, urls, room: 'lab', role: 'worker', credential, info });
  const endpoint = createWorkerEndpoint({ signaling: workerSignaling, rtc });
  cleanups.push(() => endpoint.close());
  return { workerSignaling, endpoint, workerId: await endpoint.ready() };
}

describe('signaling on Redis: several instances serve one room', () => {
  it('peers on different instances see each other, link up over WebRTC, and revocation reaches every instance', async () => {
    const { servers } = await instances(3);
    const [a, b, c] = servers as [
      SharedSignalingServer,
      SharedSignalingServer,
      SharedSignalingServer,
    ];
    // Any instance manages the shared store.
    await a.createRoom('lab');
    const key = await b.createCredential('lab', 'worker-key', 'gpu box');
    const token = await c.createCredential('lab', 'room-token', 'students');
    const other = await c.createCredential('lab', 'room-token', 'visitor');

    const { endpoint, workerId } = await worker(key.secret, a.url);

    const alice = client({ url: c.url, room: 'lab', role: 'client', credential: token.secret });
    await alice.connect();
    const joined = firstValueFrom(alice.presence$.pipe(filter((e) => e.type === 'peer-joined')));
    const visitor = client({ url: b.url, room: 'lab', role: 'client', credential: other.secret });
    const visitorId = await visitor.connect();
    expect(await joined).toMatchObject({ peer: { peerId: visitorId, role: 'client' } });
    expect(await listWorkers(alice)).toMatchObject([{ peerId: workerId, name: 'gpu-1' }]);
    expect((await visitor.discover()).map((p) => p.peerId).sort()).toEqual(
      [workerId, alice.peerId].sort(),
    );
    expect(servers.map((s) => s.stats().peers)).toEqual([1, 1, 1]);

    // The link is negotiated through two instances; job data then flows peer to peer.
    const accepted = firstValueFrom(endpoint.connections$);
    const link = await connectToWorker({ signaling: alice, workerId, rtc });
    cleanups.push(() => link.close());
    const atWorker = await accepted;
    expect(atWorker.remote).toMatchObject({ credentialId: token.id, role: 'client' });
    const received = firstValueFrom(atWorker.messages$);
    link.send('{"method":"job.start"}');
    expect(await received).toBe('{"method":"job.start"}');

    // Revoked on one instance: the holder on another is closed, the rest of the room told.
    const told = firstValueFrom(alice.revoked$);
    const ended = firstValueFrom(visitor.status$.pipe(filter((s) => s === 'closed')));
    expect(await a.revokeCredential(other.id)).toBe(true);
    expect(await told).toEqual({ credentialId: other.id, own: false });
    await ended;
    const health = await fetch(`${a.httpUrl}/health`).then((r) => r.json());
    expect(health).toMatchObject({ ok: true, peers: 1 });
    const left = await alice.discover();
    expect(left.map((p) => p.peerId)).toEqual([workerId]);
  });

  it('an instance killed mid-job: its peers reconnect to another, the job goes on, the dead stay gone', async () => {
    const heartbeatMs = 200;
    const { servers, redisPrefix } = await instances(2, heartbeatMs);
    const [b, c] = servers as [SharedSignalingServer, SharedSignalingServer];
    const doomed = runFixture('signalingInstance.mjs', [
      redis.url,
      redisPrefix,
      String(heartbeatMs),
    ]);
    cleanups.push(async () => doomed.child.kill('SIGKILL'));
    const a = String((await doomed.next('listening')).url);
    await b.createRoom('lab');
    const key = await b.createCredential('lab', 'worker-key');
    const token = await c.createCredential('lab', 'room-token');

    // The worker knows every instance; it starts on the one that will die.
    const { workerSignaling, endpoint, workerId } = await worker(key.secret, a, [b.url, c.url]);
    // A peer that never comes back: only its lease on the dead instance keeps it listed.
    const ghost = await rawSocket(a);
    cleanups.push(async () => ghost.ws.terminate());
    ghost.send({
      v: 1,
      type: 'register',
      rid: 'g',
      role: 'client',
      room: 'lab',
      credential: token.secret,
    });
    const ghostId = String((await ghost.next((m) => m.type === 'registered')).peerId);

    const alice = client({ url: c.url, room: 'lab', role: 'client', credential: token.secret });
    await alice.connect();
    expect((await alice.discover()).map((p) => p.peerId).sort()).toEqual(
      [workerId, ghostId].sort(),
    );
    const accepted = firstValueFrom(endpoint.connections$);
    const link = await connectToWorker({ signaling: alice, workerId, rtc });
    cleanups.push(() => link.close());
    const atWorker = await accepted;
    await workerSignaling.update({ status: 'busy' });

    const ghostLeft = firstValueFrom(
      alice.presence$.pipe(filter((e) => e.type === 'peer-left' && e.peerId === ghostId)),
    );
    doomed.child.kill('SIGKILL');
    const killedAt = Date.now();
    await doomed.exited;

    // Job traffic flows both ways while the worker has no signaling.
    const epochs: string[] = [];
    link.messages$.subscribe((m) => epochs.push(String(m)));
    for (let epoch = 1; epoch <= 3; epoch++)
      atWorker.send(`{"event":"epoch_end","epoch":${epoch}}`);

    // The worker is back, on another instance, with its own peer id.
    await firstValueFrom(workerSignaling.status$.pipe(filter((s) => s === 'reconnecting')));
    await firstValueFrom(workerSignaling.status$.pipe(filter((s) => s === 'open')));
    expect(workerSignaling.peerId).toBe(workerId);
    expect([b.url, c.url]).toContain(workerSignaling.url);
    for (let epoch = 4; epoch <= 6; epoch++)
      atWorker.send(`{"event":"epoch_end","epoch":${epoch}}`);

    // The ghost's presence expires within the heartbeat timeout (3 × heartbeatMs).
    expect(await ghostLeft).toMatchObject({ reason: 'timeout' });
    expect(Date.now() - killedAt).toBeLessThan(heartbeatMs * 3 + 1_000);
    expect(await listWorkers(alice)).toMatchObject([{ peerId: workerId, status: 'busy' }]);
    expect((await alice.discover()).map((p) => p.peerId)).toEqual([workerId]);

    // The running link never noticed; every epoch arrived, in order.
    await new Promise<void>((resolve) => {
      const check = () => (epochs.length >= 6 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(epochs.map((e) => JSON.parse(e).epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect([link.currentStatus, atWorker.currentStatus]).toEqual(['open', 'open']);
    // A new link is negotiated across the surviving instances.
    const again = firstValueFrom(endpoint.connections$);
    const second = await connectToWorker({ signaling: alice, workerId, rtc });
    cleanups.push(() => second.close());
    const echoed = firstValueFrom((await again).messages$);
    second.send('"second link"');
    expect(await echoed).toBe('"second link"');
  });

  it('Redis gone while running: requests that need it fail with store_unavailable, the server stays up', async () => {
    const own = await startRedis();
    cleanups.push(() => own.stop());
    const server = await createSignalingServer({ redis: own.url, logger: () => undefined });
    cleanups.push(() => server.close());
    await server.createRoom('lab');
    const token = await server.createCredential('lab', 'room-token');
    const alice = client({
      url: server.url,
      room: 'lab',
      role: 'client',
      credential: token.secret,
    });
    await alice.connect();
    await own.stop();
    await expect(alice.discover()).rejects.toMatchObject({
      code: 'store_unavailable',
      message: expect.stringContaining('the signaling store did not answer'),
    });
    expect(alice.currentStatus).toBe('open');
    expect(await fetch(`${server.httpUrl}/health`).then((r) => r.status)).toBe(200);
  });

  it('refuses a URL that is not redis://, naming the option, and an unreachable Redis', async () => {
    await expect(createSignalingServer({ redis: 'http://127.0.0.1:6379' })).rejects.toMatchObject({
      code: 'bad_config',
      message: expect.stringContaining('redis://HOST:PORT'),
    });
    await expect(
      createSignalingServer({ redis: 'redis://127.0.0.1:1', logger: () => undefined }),
    ).rejects.toMatchObject({ code: 'store_unavailable' });
  });
});
