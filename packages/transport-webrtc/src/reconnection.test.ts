import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, workerInfo } from './__tests__/signalingFixture.js';
import { connectToWorker } from './connectToWorker.js';
import { createSignalingServer } from './createSignalingServer.js';
import { createWorkerEndpoint } from './createWorkerEndpoint.js';
import { listWorkers } from './listWorkers.js';
import type { SignalingClient } from './SignalingClient.js';
import type { WebRtcTransport } from './WebRtcTransport.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const rtc = { loopbackOnly: true };
const isOpen = (s: { status$: SignalingClient['status$'] }) =>
  firstValueFrom(s.status$.pipe(filter((x) => x === 'open')));

/**
 * A signaling server with room `lab`, a worker endpoint registered as `worker` and a
 * client, both retrying fast, and an open link between them.
 */
async function openLink(worker: { name: string; info?: ReturnType<typeof workerInfo> }) {
  const first = await startServer();
  const { server, dataDir } = first;
  cleanups.push(() => first.dispose());
  server.createRoom('lab');
  const key = server.createCredential('lab', 'worker-key').secret;
  const token = server.createCredential('lab', 'room-token').secret;
  const backoff = { initialMs: 20, maxMs: 200 };
  const workerSignaling = first.client({
    room: 'lab',
    role: 'worker',
    credential: key,
    ...worker,
    backoff,
  });
  const clientSignaling = first.client({ room: 'lab', role: 'client', credential: token, backoff });
  const endpoint = createWorkerEndpoint({ signaling: workerSignaling, rtc });
  cleanups.push(() => endpoint.close());
  const clientId = await clientSignaling.connect();
  const workerId = await endpoint.ready();
  const accepted = firstValueFrom(endpoint.connections$);
  const client: WebRtcTransport = await connectToWorker({
    signaling: clientSignaling,
    workerId,
    rtc,
  });
  cleanups.push(() => client.close());
  return {
    server,
    dataDir,
    workerSignaling,
    clientSignaling,
    endpoint,
    clientId,
    workerId,
    client,
    worker: await accepted,
  };
}

describe('losing the signaling server', () => {
  it('leaves open links open, and a broken link reconnects once signaling is back', async () => {
    const { server, dataDir, workerSignaling, clientSignaling, workerId, client, worker } =
      await openLink({ name: 'gpu-1' });

    // The signaling server goes away: the peer-to-peer link does not need it.
    await server.close();
    await firstValueFrom(clientSignaling.status$.pipe(filter((s) => s === 'reconnecting')));
    const during = firstValueFrom(worker.messages$);
    client.send('"while signaling is down"');
    expect(await during).toBe('"while signaling is down"');
    expect(client.currentStatus).toBe('open');

    const second = await createSignalingServer({ host: '127.0.0.1', port: server.port, dataDir });
    cleanups.push(() => second.close());
    await Promise.all([isOpen(clientSignaling), isOpen(workerSignaling)]);
    expect(workerSignaling.peerId).toBe(workerId);

    // Now the link breaks: it is negotiated again through the new server.
    (client as unknown as { peer: { close(): void } }).peer.close();
    await firstValueFrom(client.status$.pipe(filter((s) => s === 'reconnecting')));
    await isOpen(client);
    await isOpen(worker);
    const after = firstValueFrom(worker.messages$);
    client.send('"after reconnecting"');
    expect(await after).toBe('"after reconnecting"');
  });

  it('survives a restart mid-job: the link carries on, both peers re-register, new links connect', async () => {
    const { server, dataDir, workerSignaling, clientSignaling, endpoint, ...link } = await openLink(
      { name: 'gpu-box', info: workerInfo('gpu-box', 24_576) },
    );
    const { clientId, workerId, client, worker } = link;
    // A job is running: the worker is busy, and the room knows it.
    await workerSignaling.update({ status: 'busy' });

    await server.close();
    await Promise.all(
      [clientSignaling, workerSignaling].map((s) =>
        firstValueFrom(s.status$.pipe(filter((x) => x === 'reconnecting'))),
      ),
    );
    // Job traffic goes on both ways over the open link while signaling is down.
    const atWorker = firstValueFrom(worker.messages$);
    client.send('{"method":"job.events"}');
    expect(await atWorker).toBe('{"method":"job.events"}');
    const atClient = firstValueFrom(client.messages$);
    worker.send('{"event":"epoch","seq":7}');
    expect(await atClient).toBe('{"event":"epoch","seq":7}');
    // The job ends meanwhile: the room cannot be told now, but the re-registration tells it.
    await expect(workerSignaling.update({ status: 'available' })).rejects.toMatchObject({
      code: 'signaling_closed',
    });

    // The server comes back on the same port with the same store: rooms and keys survive.
    const second = await createSignalingServer({ host: '127.0.0.1', port: server.port, dataDir });
    cleanups.push(() => second.close());
    await Promise.all([isOpen(clientSignaling), isOpen(workerSignaling)]);
    expect(clientSignaling.peerId).toBe(clientId);
    expect(workerSignaling.peerId).toBe(workerId);
    const listed = await listWorkers(clientSignaling);
    expect(listed).toMatchObject([{ peerId: workerId, name: 'gpu-box', status: 'available' }]);
    expect((await workerSignaling.discover({ role: 'client' })).map((p) => p.peerId)).toEqual([
      clientId,
    ]);
    expect(second.stats().peers).toBe(2);

    // The running link never noticed; a second client link is negotiated through the new server.
    expect([client.currentStatus, worker.currentStatus]).toEqual(['open', 'open']);
    const acceptedAgain = firstValueFrom(endpoint.connections$);
    const another = await connectToWorker({ signaling: clientSignaling, workerId, rtc });
    cleanups.push(() => another.close());
    const echoed = firstValueFrom((await acceptedAgain).messages$);
    another.send('"second link"');
    expect(await echoed).toBe('"second link"');
    const stillThere = firstValueFrom(worker.messages$);
    client.send('"first link"');
    expect(await stillThere).toBe('"first link"');
  });
});
