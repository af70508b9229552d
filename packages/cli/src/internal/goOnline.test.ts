import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTrainwireError } from '@trainwire/core';
import { createSignalingServer, type SignalingServer } from '@trainwire/transport-webrtc';
import { createWorker, type Worker } from '@trainwire/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import type { Connection } from './Connection.js';
import { connectWithCredentials } from './defaultConnect.js';
import { goOnline, type OnlineWorker } from './goOnline.js';

// Over real signaling and WebRTC, the worker learns who is on each link from the server:
// a member of the room cannot stop a job another member started.

describe('a worker online in a room serves each client as itself', () => {
  let server: SignalingServer;
  let worker: Worker;
  let online: OnlineWorker;
  const connections: Connection[] = [];
  const log: string[] = [];
  const tokens: Array<{ id: string; secret: string }> = [];

  beforeAll(async () => {
    server = await createSignalingServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: await mkdtemp(join(tmpdir(), 'tw-signal-')),
      logger: () => undefined,
    });
    server.createRoom('lab');
    const key = server.createCredential('lab', 'worker-key');
    tokens.push(server.createCredential('lab', 'room-token', 'alice'));
    tokens.push(server.createCredential('lab', 'room-token', 'bob'));
    worker = await createWorker(
      { dataDir: await mkdtemp(join(tmpdir(), 'tw-worker-')), name: 'gpu-1' },
      { runCommand: async () => Promise.reject(new Error('no nvidia-smi')) },
    );
    online = await goOnline(worker, {
      url: server.url,
      room: 'lab',
      credential: key.secret,
      log: (line) => log.push(line),
    });
  });
  afterAll(async () => {
    for (const connection of connections) await connection.close().catch(() => undefined);
    await worker?.close({ flushMs: 100 });
    await online?.close();
    await server?.close();
  });

  async function member(token: { secret: string }) {
    const connection = await connectWithCredentials(
      { signalingUrl: server.url, room: 'lab', credential: token.secret, role: 'client' },
      { worker: 'gpu-1' },
      fakeIo().io,
    );
    connections.push(connection);
    const { RpcPeer } = await import('@trainwire/core');
    return new RpcPeer(connection.transport);
  }

  it("records the starter's credential; another member may watch but not stop it", async () => {
    const [alice, bob] = [await member(tokens[0]!), await member(tokens[1]!)];
    await alice.request('job.start', {
      jobId: 'shared-1',
      spec: { profile: 'builtin', config: { epochs: 1000 }, inputs: {} },
    });
    const { jobs } = await bob.request('job.list', {});
    expect(jobs.find((j) => j.jobId === 'shared-1')?.owner?.credentialId).toBe(tokens[0]!.id);
    const refused = await bob.request('job.stop', { jobId: 'shared-1' }).catch((e: unknown) => e);
    expect(isTrainwireError(refused, 'not_owner')).toBe(true);
    expect((refused as Error).message).toContain('started by another member of the room');
    expect((await alice.request('job.cancel', { jobId: 'shared-1' })).state).not.toBe('failed');
  });
});
