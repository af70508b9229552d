import type { ChildProcess } from 'node:child_process';
import { isTrainwireError } from '@trainwire/core';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { runFixture } from './__tests__/runFixture.js';
import { startServer } from './__tests__/signalingFixture.js';
import { connectToWorker } from './connectToWorker.js';
import { createSignalingServer } from './createSignalingServer.js';
import { listWorkers } from './listWorkers.js';
import type { Revocation } from './SignalingClient.js';
import { SignalingStore } from './SignalingStore.js';
import type { WebRtcTransport } from './WebRtcTransport.js';

const rtc = { loopbackOnly: true };
let started: Awaited<ReturnType<typeof startServer>> | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await started?.dispose();
  started = undefined;
});

/** Rejects when `promise` takes longer than `ms`: what "within seconds" means here. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms),
    ),
  ]);
}

/**
 * A room with a worker in its own process (test/fixtures/worker.mjs) and a client here,
 * linked over WebRTC, with a job streaming epochs over the link.
 */
async function trainingLink(workerMode?: 'deaf') {
  started = await startServer();
  const { server } = started;
  server.createRoom('lab');
  const workerKey = server.createCredential('lab', 'worker-key', 'gpu box');
  const token = server.createCredential('lab', 'room-token', 'alice laptop');
  const worker = runFixture('worker.mjs', [
    server.url,
    'lab',
    workerKey.secret,
    'gpu-1',
    '24576',
    ...(workerMode ? [workerMode] : []),
  ]);
  children.push(worker.child);
  const { peerId } = await worker.next('ready');
  const signaling = started.client({
    room: 'lab',
    role: 'client',
    credential: token.secret,
    name: 'alice',
    backoff: { initialMs: 20, maxMs: 50 },
  });
  await signaling.connect();
  const [listed] = await listWorkers(signaling);
  expect(listed).toMatchObject({ peerId, name: 'gpu-1', keyId: workerKey.id });
  const transport: WebRtcTransport = await connectToWorker({
    signaling,
    workerId: listed!.peerId,
    keyId: listed!.keyId,
    rtc,
  });
  // Each end knows which credential opened the link, as the server stamped it.
  expect(transport.remote).toEqual({
    peerId,
    role: 'worker',
    credentialId: workerKey.id,
    name: 'gpu-1',
  });
  expect(await worker.next('connection')).toMatchObject({
    remote: { peerId: signaling.peerId, role: 'client', credentialId: token.id, name: 'alice' },
  });
  const epochs: number[] = [];
  transport.messages$.subscribe((text) => {
    const message = JSON.parse(text) as { op: string; n?: number };
    if (message.op === 'epoch') epochs.push(message.n!);
  });
  transport.send(JSON.stringify({ op: 'train' }));
  while (epochs.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
  const closed = firstValueFrom(transport.status$.pipe(filter((s) => s === 'closed')));
  return { ...started, worker, workerKey, token, signaling, transport, epochs, closed };
}

/** Epochs stop: none arrives in a while after the link closed. */
async function expectNoMoreEpochs(epochs: number[]) {
  const count = epochs.length;
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(epochs.length).toBe(count);
}

describe('revoking a credential ends what it opened', () => {
  it("closes a client's open link at both ends within 5 s of revoking its token, and refuses it after", async () => {
    const { server, client, worker, token, signaling, transport, epochs, closed, logs } =
      await trainingLink();
    const revocations: Revocation[] = [];
    signaling.revoked$.subscribe((r) => revocations.push(r));
    const errors: string[] = [];
    signaling.errors$.subscribe((e) => errors.push(e.code));

    expect(server.revokeCredential(token.id)).toBe(true);
    await within(5_000, "the client's end closing", closed);
    expect(await within(5_000, "the worker's end closing", worker.next('revoked'))).toEqual({
      event: 'revoked',
      client: 'alice',
      credentialId: token.id,
      own: false,
    });
    await worker.next('closed');
    await expectNoMoreEpochs(epochs);
    expect(transport.currentStatus).toBe('closed');
    // The client's signaling stopped for good and said why.
    expect(signaling.currentStatus).toBe('closed');
    expect(errors).toEqual(['credential_revoked']);
    expect(revocations).toEqual([{ credentialId: token.id, own: true }]);
    expect(logs.find((l) => l.event === 'credential_revoked')).toMatchObject({
      credentialId: token.id,
      message: expect.stringMatching(/1 connection\(s\) closed/),
    });

    const again = client({ room: 'lab', role: 'client', credential: token.secret });
    const refused = await again.connect().catch((e: unknown) => e as Error);
    expect(isTrainwireError(refused, 'credential_revoked')).toBe(true);
    // The worker carries on for everyone else.
    const other = server.createCredential('lab', 'room-token', 'bob').secret;
    const bob = client({ room: 'lab', role: 'client', credential: other });
    await bob.connect();
    expect((await listWorkers(bob)).map((w) => w.name)).toEqual(['gpu-1']);
  }, 30_000);

  it('closes the link from the worker even when the revoked client does not cooperate', async () => {
    const { server, worker, token, signaling, transport, epochs, closed } = await trainingLink();
    // A client that leaves signaling hears of no revocation; its link stays up until
    // the worker, told by the server, closes it.
    await signaling.close();
    expect(transport.currentStatus).toBe('open');
    server.revokeCredential(token.id);
    expect(await within(5_000, 'the worker closing', worker.next('revoked'))).toMatchObject({
      credentialId: token.id,
    });
    await within(5_000, "the client's end closing", closed);
    await expectNoMoreEpochs(epochs);
  }, 30_000);

  it('closes the link on reconnecting when the token was revoked while the worker was away', async () => {
    const { server, dataDir, worker, token, signaling, epochs, closed } = await trainingLink();
    await signaling.close();
    await server.close();
    await worker.next('signaling', (l) => l.status === 'reconnecting');
    // Revoked in the store while no server runs: nobody could be told.
    SignalingStore.open(`${dataDir}/signaling.json`).revokeCredential(token.id);
    expect(epochs.length).toBeGreaterThan(0);
    const second = await createSignalingServer({
      port: server.port,
      dataDir,
      logger: () => undefined,
    });
    try {
      // The worker learns it when it registers again (`registered.revoked`).
      expect(await within(15_000, 'the worker closing', worker.next('revoked'))).toMatchObject({
        credentialId: token.id,
        own: false,
      });
      await within(5_000, "the client's end closing", closed);
      await expectNoMoreEpochs(epochs);
    } finally {
      await second.close();
    }
  }, 30_000);

  it('closes the links of a revoked worker key at both ends within 5 s, and refuses the key after', async () => {
    const { server, client, worker, workerKey, signaling, epochs, closed } = await trainingLink();
    const revocations: Revocation[] = [];
    signaling.revoked$.subscribe((r) => revocations.push(r));
    const left = firstValueFrom(signaling.presence$.pipe(filter((e) => e.type === 'peer-left')));

    server.revokeCredential(workerKey.id);
    await within(5_000, "the client's end closing", closed);
    expect(await within(5_000, "the worker's end closing", worker.next('revoked'))).toEqual({
      event: 'revoked',
      client: 'alice',
      credentialId: workerKey.id,
      own: true,
    });
    expect(await worker.next('signaling-error')).toMatchObject({ code: 'credential_revoked' });
    await worker.next('signaling', (l) => l.status === 'closed');
    await expectNoMoreEpochs(epochs);
    expect(revocations).toEqual([{ credentialId: workerKey.id, own: false }]);
    expect(await left).toMatchObject({ reason: 'revoked' });
    expect(signaling.currentStatus).toBe('open');

    const restarted = runFixture('worker.mjs', [server.url, 'lab', workerKey.secret, 'gpu-1', '8']);
    children.push(restarted.child);
    expect(await restarted.next('refused')).toMatchObject({ code: 'credential_revoked' });
    expect(await restarted.exited).toBe(3);
    const watcher = client({
      room: 'lab',
      role: 'client',
      credential: server.createCredential('lab', 'room-token').secret,
    });
    await watcher.connect();
    expect(await listWorkers(watcher)).toEqual([]);
  }, 30_000);

  it('closes the link to a revoked worker from the client even when the worker does not cooperate', async () => {
    const { server, worker, workerKey, epochs, closed } = await trainingLink('deaf');
    await worker.next('signaling', (l) => l.status === 'closed');
    server.revokeCredential(workerKey.id);
    await within(5_000, "the client's end closing", closed);
    await expectNoMoreEpochs(epochs);
    // The worker heard it over the link: the client said bye.
    await within(5_000, "the worker's end closing", worker.next('closed'));
  }, 30_000);
});
