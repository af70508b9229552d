import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './__tests__/signalingFixture.js';
import { connectToWorker } from './connectToWorker.js';
import { createSignalingServer } from './createSignalingServer.js';
import { createWorkerEndpoint } from './createWorkerEndpoint.js';
import type { SignalingClient } from './SignalingClient.js';
import type { WebRtcTransport } from './WebRtcTransport.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const rtc = { loopbackOnly: true };
const isOpen = (s: { status$: SignalingClient['status$'] }) =>
  firstValueFrom(s.status$.pipe(filter((x) => x === 'open')));

describe('losing the signaling server', () => {
  it('leaves open links open, and a broken link reconnects once signaling is back', async () => {
    const first = await startServer();
    const { server, dataDir } = first;
    cleanups.push(() => first.dispose());
    server.createRoom('lab');
    const key = server.createCredential('lab', 'worker-key').secret;
    const token = server.createCredential('lab', 'room-token').secret;
    const backoff = { initialMs: 20, maxMs: 200 };
    const workerSignaling = first.client({ room: 'lab', role: 'worker', credential: key, backoff });
    const clientSignaling = first.client({
      room: 'lab',
      role: 'client',
      credential: token,
      backoff,
    });
    const endpoint = createWorkerEndpoint({ signaling: workerSignaling, rtc });
    cleanups.push(() => endpoint.close());
    await clientSignaling.connect();
    const workerId = await endpoint.ready();
    const accepted = firstValueFrom(endpoint.connections$);
    const client: WebRtcTransport = await connectToWorker({
      signaling: clientSignaling,
      workerId,
      rtc,
    });
    cleanups.push(() => client.close());
    const worker = await accepted;

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
});
