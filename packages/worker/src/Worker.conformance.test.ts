import { RpcPeer } from '@trainwire/core';
import { createMemoryTransportPair, runWorkerConformance } from '@trainwire/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, requireDist, tempDir } from './__tests__/helpers.js';
import { startWorker } from './__tests__/workerHarness.js';
import type { Worker } from './Worker.js';

// core's conformance kit against the real worker (SQLite, sandbox, trainer processes) over
// the memory transport, locally and as a member of a room; WebRTC is the CLI's test.

describe('the worker conforms to the protocol', () => {
  const workers: Worker[] = [];
  afterAll(async () => {
    for (const worker of workers) await worker.close({ flushMs: 50 });
    cleanTempDirs();
  });

  it.each([
    ['locally', undefined],
    ['to a member of a room', { credentialId: 'c0ffee000001', role: 'client' as const, name: 'm' }],
  ])('every check passes %s', async (_how, identity) => {
    requireDist();
    const { worker } = await startWorker({ dataDir: tempDir(), name: 'gpu-1' });
    workers.push(worker);
    const [client, server] = createMemoryTransportPair({ maxMessageSize: 256 * 1024 });
    worker.accept(server, identity);
    await Promise.all([client.connect(), server.connect()]);
    const report = await runWorkerConformance(client);
    expect(report.results.filter((r) => !r.passed)).toEqual([]);
    expect(report.ok).toBe(true);
    // The pipeline and predict checks ran their jobs here (a worker may refuse the keys).
    const { jobs } = await new RpcPeer(client).request('job.list', {});
    for (const name of ['conformance-pipeline', 'conformance-predict'])
      expect(jobs.find((job) => job.name === name)?.state, name).toBe('completed');
    await client.close();
  });
});
