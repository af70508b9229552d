import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container, JobManager, registerCore, TRANSPORT } from '@trainwire/core';
import {
  connectToWorker,
  createSignalingServer,
  createWorkerEndpoint,
  SignalingClient,
  type WebRtcTransport,
} from '@trainwire/transport-webrtc';
import { createWorker } from '@trainwire/worker';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

describe('a WebRTC link that breaks in the middle of a job', () => {
  it('reconnects, re-attaches, and the client ends with every epoch exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-reconnect-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const server = await createSignalingServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: join(dir, 'signal'),
    });
    cleanups.push(() => server.close());
    server.createRoom('lab');
    const key = server.createCredential('lab', 'worker-key').secret;
    const token = server.createCredential('lab', 'room-token').secret;
    const rtc = { loopbackOnly: true };

    const worker = await createWorker({ dataDir: join(dir, 'worker'), name: 'gpu-1' });
    cleanups.push(() => worker.close());
    const workerSignaling = new SignalingClient({
      url: server.url,
      room: 'lab',
      role: 'worker',
      credential: key,
      name: 'gpu-1',
      info: worker.info(),
    });
    const endpoint = createWorkerEndpoint({ signaling: workerSignaling, rtc });
    cleanups.push(() => endpoint.close());
    endpoint.connections$.subscribe((transport) => worker.accept(transport));
    const workerId = await endpoint.ready();

    const clientSignaling = new SignalingClient({
      url: server.url,
      room: 'lab',
      role: 'client',
      credential: token,
    });
    cleanups.push(() => clientSignaling.close());
    await clientSignaling.connect();
    const transport: WebRtcTransport = await connectToWorker({
      signaling: clientSignaling,
      workerId,
      rtc,
    });
    cleanups.push(() => transport.close());

    const scope = registerCore(container.createChildContainer());
    scope.register(TRANSPORT, { useValue: transport });
    const manager = scope.resolve(JobManager);
    cleanups.push(async () => manager.dispose());
    const session = manager.submit({
      profile: 'builtin',
      config: { epochs: 25, dataset: { synthetic: { samples: 12000 } } },
    });
    const statuses: string[] = [];
    transport.status$.subscribe((s) => statuses.push(s));
    await firstValueFrom(session.progress$.pipe(filter((p) => p.completedEpochs >= 3)));

    // Break the peer connection under the job, as a network change would.
    (transport as unknown as { peer: { close(): void } }).peer.close();

    const final = await session.done;
    expect(statuses).toContain('reconnecting');
    expect(statuses.at(-1)).toBe('open');
    expect(final.state).toBe('completed');
    expect(final.progress.history.map((h) => h.epoch)).toEqual([...Array(25).keys()]);
    const stored = worker.jobs.eventsAfter(session.jobId, 0);
    expect(final.lastSeq).toBe(stored.length);
  });
});
