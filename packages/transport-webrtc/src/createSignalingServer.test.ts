import { isTrainwireError } from '@trainwire/core';
import { VirtualClock } from '@trainwire/core/testing';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  rawSocket,
  STORES,
  type StartedOn,
  serversOn,
  workerInfo,
} from './__tests__/signalingFixture.js';
import { listWorkers } from './listWorkers.js';

// Every test here runs against both stores: the in-process one of a single instance, and
// Redis (a real redis-server on a loopback port, one key prefix per server), through the
// one contract the server is written against.
let started: StartedOn | undefined;
afterEach(async () => {
  await started?.dispose();
  started = undefined;
});

describe.each(STORES)('createSignalingServer, %s store', (store) => {
  const start = serversOn(store);

  async function roomWithKeys(room = 'lab') {
    started = await start();
    const { server } = started;
    await server.createRoom(room);
    return {
      ...started,
      token: (await server.createCredential(room, 'room-token', 'clients')).secret,
      key: (await server.createCredential(room, 'worker-key', 'gpu box')).secret,
    };
  }

  it('answers GET /health', async () => {
    const { server } = await roomWithKeys();
    const res = await fetch(`${server.httpUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, signalingVersion: 1 });
  });

  it('registers peers, lists workers by GPU memory and pushes presence', async () => {
    const { client, token, key } = await roomWithKeys();
    const alice = client({ room: 'lab', role: 'client', credential: token, name: 'alice' });
    await alice.connect();
    const joined = firstValueFrom(alice.presence$.pipe(filter((e) => e.type === 'peer-joined')));
    const big = client({
      room: 'lab',
      role: 'worker',
      credential: key,
      info: workerInfo('big', 24_576),
    });
    await big.connect();
    expect(await joined).toMatchObject({
      peer: { peerId: big.peerId, role: 'worker', name: 'big' },
    });
    // One worker key, one worker: the second worker has its own.
    const smallKey = (await started!.server.createCredential('lab', 'worker-key', 'small box'))
      .secret;
    const small = client({
      room: 'lab',
      role: 'worker',
      credential: smallKey,
      info: workerInfo('small', 8_192),
    });
    await small.connect();

    const workers = await listWorkers(alice);
    expect(workers.map((w) => w.name)).toEqual(['big', 'small']);
    const atLeast16 = await alice.discover({
      role: 'worker',
      properties: { gpuMemoryMiB: { $gte: 16_384 } },
    });
    expect(atLeast16.map((p) => p.name)).toEqual(['big']);
    const atMost16 = await alice.discover({ properties: { gpuMemoryMiB: { $lte: 16_384 } } });
    expect(atMost16.map((p) => p.name)).toEqual(['small']);

    const updated = firstValueFrom(alice.presence$.pipe(filter((e) => e.type === 'peer-updated')));
    await big.update({ status: 'busy' });
    expect(await updated).toMatchObject({ peer: { name: 'big', status: 'busy' } });
    expect((await alice.discover({ status: 'available' })).map((p) => p.name)).toEqual(['small']);

    const left = firstValueFrom(alice.presence$.pipe(filter((e) => e.type === 'peer-left')));
    await small.close();
    expect(await left).toMatchObject({ peerId: small.peerId, reason: 'closed' });
  });

  it('refuses a wrong credential, a revoked one, and a credential of the wrong kind', async () => {
    const { client, server, token, key } = await roomWithKeys();
    const wrong = client({ room: 'lab', role: 'client', credential: `${token.slice(0, -2)}xx` });
    const error = await wrong.connect().catch((e: unknown) => e);
    expect(isTrainwireError(error, 'auth_failed')).toBe(true);
    expect(await firstValueFrom(wrong.status$.pipe(filter((s) => s === 'closed')))).toBe('closed');

    const asClient = client({ room: 'lab', role: 'client', credential: key });
    const keyAsClient = await asClient.connect().catch((e: unknown) => e);
    expect(isTrainwireError(keyAsClient, 'auth_failed')).toBe(true);
    expect((keyAsClient as Error).message).toMatch(/is a worker key, which registers workers only/);

    const worker = client({ room: 'lab', role: 'worker', credential: key, name: 'gpu-1' });
    await worker.connect();
    const keyId = (await server.backend.listCredentials('lab')).find(
      (c) => c.kind === 'worker-key',
    )!.id;
    const kicked = firstValueFrom(worker.errors$);
    expect(await server.revokeCredential(keyId)).toBe(true);
    expect((await kicked).code).toBe('credential_revoked');
    const again = client({ room: 'lab', role: 'worker', credential: key, name: 'gpu-1' });
    const refused = await again.connect().catch((e: unknown) => e);
    expect(isTrainwireError(refused, 'credential_revoked')).toBe(true);
    expect(String((refused as Error).message)).toMatch(/revoked/);
  });

  it('keeps rooms apart: no discovery of, and no signal to, another room', async () => {
    const { client, server, token, key } = await roomWithKeys('a');
    await server.createRoom('b');
    const tokenB = (await server.createCredential('b', 'room-token')).secret;
    const inA = client({ room: 'a', role: 'client', credential: token });
    const workerA = client({ room: 'a', role: 'worker', credential: key, name: 'gpu-a' });
    const inB = client({ room: 'b', role: 'client', credential: tokenB });
    await Promise.all([inA.connect(), workerA.connect(), inB.connect()]);
    expect(await inB.discover()).toEqual([]);
    expect((await inA.discover()).map((p) => p.peerId)).toEqual([workerA.peerId]);
    const refused = firstValueFrom(inB.errors$);
    inB.signal(workerA.peerId!, { kind: 'offer', sdp: 'x' });
    expect((await refused).code).toBe('peer_not_found');
    expect(server.stats().relayed).toBe(0);
    // The admin API needs its token; the room list shows who is online.
    expect((await fetch(`${server.httpUrl}/rooms`)).status).toBe(404);
  });

  it('evicts a peer silent for evictAfterMs, tells the room, and keeps the others', async () => {
    // The server's time is virtual: the defaults (15 s pings, eviction after 45 s) in no time.
    const clock = new VirtualClock();
    started = await start({ scheduler: clock });
    const { server, client } = started;
    await server.createRoom('lab');
    const token = (await server.createCredential('lab', 'room-token')).secret;
    const watcher = client({ room: 'lab', role: 'client', credential: token });
    await watcher.connect();
    const raw = await rawSocket(server.url);
    raw.send({ v: 1, type: 'register', role: 'client', room: 'lab', credential: token });
    const { peerId } = await raw.next((m) => m.type === 'registered');
    const left = firstValueFrom(watcher.presence$.pipe(filter((e) => e.type === 'peer-left')));

    clock.advanceBy(30_000);
    // The watcher speaks at 30 s (its answer means the server has heard it); raw never does.
    await watcher.discover({ role: 'client' });
    expect(server.stats().evicted).toBe(0);
    clock.advanceBy(15_000); // 45 s of silence is not yet more than evictAfterMs
    expect(server.stats().evicted).toBe(0);
    clock.advanceBy(15_000);
    expect(await left).toMatchObject({ peerId, reason: 'timeout' });
    expect(server.stats().evicted).toBe(1);
    // The watcher was never dropped: same link, and raw is gone from the room.
    expect(watcher.currentStatus).toBe('open');
    expect(server.stats().connections).toBe(1);
    expect(await watcher.discover({ role: 'client' })).toEqual([]);
  });

  it('answers malformed messages with error replies and counts them', async () => {
    const { server, token } = await roomWithKeys();
    const raw = await rawSocket(server.url);
    raw.send('not json');
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'bad_message' });
    raw.send({ v: 2, type: 'discover' });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'bad_message' });
    raw.send({ v: 1, type: 'discover', rid: 'r1' });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'not_registered', rid: 'r1' });
    raw.send(JSON.stringify({ v: 1, type: 'ping', pad: 'x'.repeat(70_000) }));
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'message_too_large' });
    raw.send({ v: 1, type: 'register', role: 'client', room: 'lab', credential: token, rid: 'r2' });
    expect(await raw.next()).toMatchObject({ type: 'registered', rid: 'r2' });
    expect(server.stats().badMessages).toBe(3);
  });

  it('rejects with bad_config, not a crash, when the port is in use', async () => {
    started = await start();
    const { port } = started.server;
    const second = await start({ port }).catch((e: unknown) => e);
    expect(isTrainwireError(second, 'bad_config')).toBe(true);
    expect((second as Error).name).toBe('TransportWebrtcError');
    expect((second as Error).message).toBe(
      `port ${port} on 127.0.0.1 is in use; stop the other server or use port 0 for a free one`,
    );
  });

  it('rate-limits a flooding connection', async () => {
    started = await start({ rateLimit: { perSecond: 5, burst: 10 } });
    const raw = await rawSocket(started.server.url);
    for (let i = 0; i < 40; i++) raw.send({ v: 1, type: 'ping', rid: String(i) });
    expect(await raw.next((m) => m.type === 'error')).toMatchObject({ code: 'rate_limited' });
    expect(started.server.stats().rateLimited).toBeGreaterThan(0);
  });

  it('serves the admin API with its bearer token', async () => {
    started = await start({ adminToken: 'sesame' });
    const { server, client } = started;
    const api = (path: string, init: RequestInit = {}, token = 'sesame') =>
      fetch(`${server.httpUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    expect((await api('/rooms', {}, 'wrong')).status).toBe(401);
    const room = await api('/rooms', {
      method: 'POST',
      body: JSON.stringify({ id: 'lab', name: 'Lab' }),
    });
    expect(room.status).toBe(201);
    const issued = await api('/rooms/lab/credentials', {
      method: 'POST',
      body: JSON.stringify({ kind: 'room-token', label: 'students' }),
    });
    const { id, secret } = (await issued.json()) as { id: string; secret: string };
    const peer = client({ room: 'lab', role: 'client', credential: secret });
    await peer.connect();
    expect(await (await api('/rooms')).json()).toMatchObject({
      rooms: [{ id: 'lab', name: 'Lab', workers: 0, clients: 1 }],
    });
    const listed = (await (await api('/rooms/lab/credentials')).json()) as {
      credentials: object[];
    };
    expect(JSON.stringify(listed)).not.toContain(secret.split('.')[1]!);
    expect((await api(`/credentials/${id}`, { method: 'DELETE' })).status).toBe(200);
    await firstValueFrom(peer.status$.pipe(filter((s) => s === 'closed' || s === 'reconnecting')));
    expect((await api('/rooms/nowhere/credentials')).status).toBe(404);
  });

  it('answers a bad admin request with a 400 that names the problem', async () => {
    started = await start({ adminToken: 'sesame' });
    const { server } = started;
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server.httpUrl}${path}`, {
        ...init,
        headers: { authorization: 'Bearer sesame', 'content-type': 'application/json' },
      });
    const badId = await api('/rooms', { method: 'POST', body: JSON.stringify({ id: 'a b' }) });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toEqual({
      error: 'bad_message',
      message: 'invalid room: id: room id may use letters, digits, ".", "_" and "-"',
    });
    expect(await server.backend.listRooms()).toEqual([]);
    await server.createRoom('lab');
    const badKind = await api('/rooms/lab/credentials', {
      method: 'POST',
      body: JSON.stringify({ kind: 'admin' }),
    });
    expect(badKind.status).toBe(400);
    expect(await badKind.json()).toMatchObject({
      message: 'invalid credential: kind: must be room-token or worker-key',
    });
    const badEscape = await api('/rooms/%E0%A4%A/credentials');
    expect(badEscape.status).toBe(400);
    expect(await badEscape.json()).toMatchObject({ message: expect.stringMatching(/escape/) });
  });
});
