import { isTrainwireError } from '@trainwire/core';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  rawSocket,
  registerRaw,
  STORES,
  type StartedOn,
  serversOn,
  workerInfo,
} from './__tests__/signalingFixture.js';
import { checkCredential } from './checkCredential.js';
import { connectToWorker } from './connectToWorker.js';
import { listWorkers } from './listWorkers.js';
import type { SignalingClient } from './SignalingClient.js';

// Run against both stores (the in-process one, and a real Redis): the rules live behind
// the one contract.
let started: StartedOn | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await started?.dispose();
  started = undefined;
});

const refusal = (client: SignalingClient): Promise<Error> =>
  client.connect().then(
    () => new Error('connected, but a refusal was expected'),
    (e: unknown) => e as Error,
  );

describe.each(STORES)('roles at the signaling server, %s store', (store) => {
  const start = serversOn(store);
  async function lab() {
    started = await start({ logger: () => undefined });
    const { server } = started;
    await server.createRoom('lab');
    return {
      ...started,
      token: await server.createCredential('lab', 'room-token', 'students'),
      keyA: await server.createCredential('lab', 'worker-key', 'box a'),
      keyB: await server.createCredential('lab', 'worker-key', 'box b'),
    };
  }

  it('lets a room token register clients only, and a worker key workers only', async () => {
    const { client, token, keyA } = await lab();
    const tokenAsWorker = await refusal(
      client({ room: 'lab', role: 'worker', credential: token.secret, name: 'impostor' }),
    );
    expect(isTrainwireError(tokenAsWorker, 'auth_failed')).toBe(true);
    expect(tokenAsWorker.message).toBe(
      `credential ${token.id} is a room token, which registers clients only; run a worker with a worker key (trainwire keys create --room lab --kind worker-key)`,
    );
    const keyAsClient = await refusal(
      client({ room: 'lab', role: 'client', credential: keyA.secret }),
    );
    expect(isTrainwireError(keyAsClient, 'auth_failed')).toBe(true);
    const watcher = client({ room: 'lab', role: 'client', credential: token.secret });
    await watcher.connect();
    expect(await watcher.discover()).toEqual([]);
  });

  it('binds a worker name to its key: another key is refused, across restarts, until revoked', async () => {
    const { client, server, restart, keyA, keyB } = await lab();
    const a = client({ room: 'lab', role: 'worker', credential: keyA.secret, name: 'gpu-1' });
    await a.connect();
    const taken = await refusal(
      client({ room: 'lab', role: 'worker', credential: keyB.secret, name: 'gpu-1' }),
    );
    expect(isTrainwireError(taken, 'name_taken')).toBe(true);
    expect(taken.message).toBe(
      `the worker name "gpu-1" in room lab belongs to worker key ${keyA.id} ("box a"); pick another name, or an admin can free it with \`trainwire keys revoke ${keyA.id}\``,
    );
    // Case and Unicode width do not make another name.
    const lookalike = await refusal(
      client({ room: 'lab', role: 'worker', credential: keyB.secret, name: 'ＧＰＵ-1' }),
    );
    expect(isTrainwireError(lookalike, 'name_taken')).toBe(true);
    // A key keeps the name it bound first.
    await a.close();
    const renamed = await refusal(
      client({ room: 'lab', role: 'worker', credential: keyA.secret, name: 'gpu-2' }),
    );
    expect(isTrainwireError(renamed, 'name_mismatch')).toBe(true);
    expect(renamed.message).toMatch(/bound to the worker name "gpu-1"/);
    expect(
      (await server.backend.listCredentials('lab')).find((c) => c.id === keyA.id),
    ).toMatchObject({
      workerName: 'gpu-1',
    });

    // The binding is in the store: a restarted server still refuses key B.
    await server.close();
    const second = await restart();
    cleanups.push(() => second.close());
    const afterRestart = await registerRaw(second.url, {
      role: 'worker',
      room: 'lab',
      credential: keyB.secret,
      name: 'gpu-1',
    });
    expect(afterRestart.answer).toMatchObject({ type: 'error', code: 'name_taken' });
    await second.revokeCredential(keyA.id);
    const freed = await registerRaw(second.url, {
      role: 'worker',
      room: 'lab',
      credential: keyB.secret,
      name: 'gpu-1',
    });
    expect(freed.answer).toMatchObject({ type: 'registered', credentialId: keyB.id });
  });

  it('lets a restarted worker (same key, same name) replace its old registration, which stops', async () => {
    const { client, token, keyA } = await lab();
    const watcher = client({ room: 'lab', role: 'client', credential: token.secret });
    await watcher.connect();
    const backoff = { initialMs: 10, maxMs: 20 };
    const old = client({
      room: 'lab',
      role: 'worker',
      credential: keyA.secret,
      name: 'gpu-1',
      backoff,
    });
    const oldId = await old.connect();
    const oldErrors: string[] = [];
    old.errors$.subscribe((e) => oldErrors.push(e.code));
    const left = firstValueFrom(watcher.presence$.pipe(filter((e) => e.type === 'peer-left')));
    const restarted = client({
      room: 'lab',
      role: 'worker',
      credential: keyA.secret,
      name: 'gpu-1',
    });
    const newId = await restarted.connect();
    expect(await left).toMatchObject({ type: 'peer-left', peerId: oldId, reason: 'replaced' });
    await firstValueFrom(old.status$.pipe(filter((s) => s === 'closed')));
    expect(oldErrors).toEqual(['replaced']);
    // It does not come back to push the new one out.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await watcher.discover()).map((p) => p.peerId)).toEqual([newId]);
    expect(restarted.currentStatus).toBe('open');
  });

  it('lists workers with the key id the server attests, and lets a client pin one by it', async () => {
    const { client, token, keyA, keyB } = await lab();
    const watcher = client({ room: 'lab', role: 'client', credential: token.secret });
    await watcher.connect();
    const joined = firstValueFrom(watcher.presence$.pipe(filter((e) => e.type === 'peer-joined')));
    // Its info says another name: the room sees the bound one.
    const impostorInfo = { ...workerInfo('NVIDIA A100 box', 81_920) };
    const a = client({
      room: 'lab',
      role: 'worker',
      credential: keyA.secret,
      name: 'gpu-a',
      info: impostorInfo,
    });
    await a.connect();
    expect(await joined).toMatchObject({
      peer: { name: 'gpu-a', keyId: keyA.id, info: { name: 'gpu-a' } },
    });
    const b = client({
      room: 'lab',
      role: 'worker',
      credential: keyB.secret,
      info: workerInfo('gpu-b', 8_192),
    });
    await b.connect();
    await a.update({ info: { ...impostorInfo, name: 'gpu-b' } });

    const all = await listWorkers(watcher);
    expect(all.map((w) => [w.name, w.keyId, w.info?.name])).toEqual([
      ['gpu-a', keyA.id, 'gpu-a'],
      ['gpu-b', keyB.id, 'gpu-b'],
    ]);
    expect((await listWorkers(watcher, { keyId: keyB.id })).map((w) => w.name)).toEqual(['gpu-b']);
    const pinned = await connectToWorker({
      signaling: watcher,
      workerId: a.peerId!,
      keyId: keyB.id,
    }).then(
      () => new Error('connected, but key_mismatch was expected'),
      (e: unknown) => e as Error,
    );
    expect(isTrainwireError(pinned, 'key_mismatch')).toBe(true);
    expect(pinned.message).toMatch(
      `registered with worker key ${keyA.id}, not the pinned ${keyB.id}`,
    );
  });

  it('stamps every relayed signal with the sender credential id and role, whatever it claims', async () => {
    const { server, token, keyA } = await lab();
    const worker = await rawSocket(server.url);
    worker.send({
      v: 1,
      type: 'register',
      role: 'worker',
      room: 'lab',
      credential: keyA.secret,
      name: 'w',
    });
    const { peerId: workerId } = await worker.next((m) => m.type === 'registered');
    const alice = await rawSocket(server.url);
    alice.send({
      v: 1,
      type: 'register',
      role: 'client',
      room: 'lab',
      credential: token.secret,
      name: 'alice',
    });
    const registered = await alice.next((m) => m.type === 'registered');
    expect(registered).toMatchObject({ credentialId: token.id, revoked: [] });
    alice.send({
      v: 1,
      type: 'signal',
      to: workerId,
      data: { kind: 'offer', sender: { role: 'worker' } },
      sender: { role: 'worker', credentialId: keyA.id, name: 'w' },
    });
    const relayed = await worker.next((m) => m.type === 'signal');
    expect(relayed).toEqual({
      v: 1,
      type: 'signal',
      from: registered.peerId,
      data: { kind: 'offer', sender: { role: 'worker' } },
      sender: { role: 'client', credentialId: token.id, name: 'alice' },
    });
  });

  it('checks a credential without registering: no name bound, no running worker replaced', async () => {
    const { server, client, token, keyA } = await lab();
    const check = (role: 'client' | 'worker', credential: string, room = 'lab') =>
      checkCredential({ url: server.url, room, role, credential });
    expect(await check('worker', keyA.secret)).toEqual({ credentialId: keyA.id });
    const worker = client({ room: 'lab', role: 'worker', credential: keyA.secret, name: 'gpu-1' });
    await worker.connect();
    expect(await check('worker', keyA.secret)).toEqual({
      credentialId: keyA.id,
      workerName: 'gpu-1',
    });
    expect(await check('client', token.secret)).toEqual({ credentialId: token.id });
    expect(worker.currentStatus).toBe('open');
    const wrongRole = await check('worker', token.secret).catch((e: unknown) => e as Error);
    expect(isTrainwireError(wrongRole, 'auth_failed')).toBe(true);
    const noRoom = await check('client', token.secret, 'nowhere').catch((e: unknown) => e as Error);
    expect(isTrainwireError(noRoom, 'auth_failed')).toBe(true);
    await server.revokeCredential(token.id);
    const revoked = await check('client', token.secret).catch((e: unknown) => e as Error);
    expect(isTrainwireError(revoked, 'credential_revoked')).toBe(true);
    const unreachable = await checkCredential({
      url: 'ws://127.0.0.1:1',
      room: 'lab',
      role: 'client',
      credential: token.secret,
    }).catch((e: unknown) => e as Error);
    expect(isTrainwireError(unreachable, 'signaling_unreachable')).toBe(true);
  });
});
