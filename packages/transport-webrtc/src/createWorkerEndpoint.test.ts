import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './__tests__/signalingFixture.js';
import { connectToWorker } from './connectToWorker.js';
import { createWorkerEndpoint, type WorkerEndpoint } from './createWorkerEndpoint.js';
import { WIRE_VERSION } from './internal/wireFrames.js';

// A room member that floods the worker with offers it cannot answer must not keep the
// others out (found by the fault suite: 200 garbage offers took every link slot for 20 s).

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a worker endpoint under a flood of bad offers', () => {
  it('frees a link whose offer cannot be answered, and caps one peer’s links in the making', async () => {
    const lab = await startServer();
    cleanups.push(() => lab.dispose());
    lab.server.createRoom('lab');
    const key = lab.server.createCredential('lab', 'worker-key');
    const endpoint: WorkerEndpoint = createWorkerEndpoint({
      signaling: lab.client({ room: 'lab', role: 'worker', credential: key.secret, name: 'w1' }),
      rtc: { loopbackOnly: true },
    });
    cleanups.push(() => endpoint.close());
    const workerId = await endpoint.ready();
    const attacker = lab.client({
      room: 'lab',
      role: 'client',
      credential: lab.server.createCredential('lab', 'room-token').secret,
      name: 'flood',
    });
    await attacker.connect();
    for (let i = 0; i < 200; i++)
      attacker.signal(workerId, {
        v: WIRE_VERSION,
        link: `garbage-${i}`,
        kind: 'offer',
        attempt: 1,
        sdp: `v=0 not an sdp ${i}`,
      });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const member = lab.client({
      room: 'lab',
      role: 'client',
      credential: lab.server.createCredential('lab', 'room-token').secret,
      name: 'alice',
    });
    await member.connect();
    const started = Date.now();
    const transport = await connectToWorker({
      signaling: member,
      workerId,
      rtc: { loopbackOnly: true },
      connectTimeoutMs: 10_000,
    });
    cleanups.push(() => transport.close());
    expect(transport.currentStatus).toBe('open');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
