import { afterEach, describe, expect, it } from 'vitest';
import type { MethodHandlers } from '../protocol/methods.js';
import { RpcPeer } from '../protocol/RpcPeer.js';
import type { Experiment } from '../schemas/Experiment.js';
import { createMemoryTransportPair } from '../testing/MemoryTransport.js';
import { listAcrossWorkers } from './listAcrossWorkers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const experiment = (id: string, createdAt: number): Experiment => ({
  id,
  name: id,
  config: {},
  status: 'completed',
  tags: [],
  createdAt,
  updatedAt: createdAt,
});

/** An in-memory worker serving `handlers`; `close` ends its link. */
async function memoryWorker(handlers: MethodHandlers) {
  const [client, server] = createMemoryTransportPair();
  new RpcPeer(server).serve(handlers);
  await Promise.all([client.connect(), server.connect()]);
  const peer = new RpcPeer(client, { requestTimeoutMs: 60_000 });
  cleanups.push(async () => {
    peer.dispose();
    await client.close();
  });
  return { peer, close: () => server.close() };
}

describe('listAcrossWorkers', () => {
  it('merges newest first, each row naming its worker; one closed mid-listing is reported, the others stay', async () => {
    const a = await memoryWorker({
      'experiment.list': () => ({
        experiments: [experiment('a2', 30), experiment('a1', 10)],
        total: 2,
      }),
    });
    let b: Awaited<ReturnType<typeof memoryWorker>> | undefined;
    b = await memoryWorker({
      'experiment.list': async () => {
        await b!.close(); // the worker stops while it lists
        return { experiments: [experiment('b1', 20)], total: 1 };
      },
    });
    const merged = await listAcrossWorkers(
      [
        { worker: 'gpu-1', peer: a.peer },
        { worker: 'gpu-2', peer: b.peer },
      ],
      'experiment.list',
      { limit: 10 },
      { timeoutMs: 30_000 },
    );
    expect(merged.rows.map((r) => [r.worker, r.row.id])).toEqual([
      ['gpu-1', 'a2'],
      ['gpu-1', 'a1'],
    ]);
    expect(merged.totals).toEqual({ 'gpu-1': 2 });
    expect(merged.failed).toEqual([
      {
        worker: 'gpu-2',
        code: 'transport_closed',
        message: 'the link to worker gpu-2 closed while listing; its rows are missing',
      },
    ]);
  });

  it('interleaves two answering workers by creation time; a silent one times out, an erring one says why', async () => {
    const a = await memoryWorker({
      'job.list': () => ({
        jobs: [{ jobId: 'a1', profile: 'builtin', state: 'completed', createdAt: 10, lastSeq: 3 }],
      }),
    });
    const b = await memoryWorker({
      'job.list': () => ({
        jobs: [{ jobId: 'b1', profile: 'builtin', state: 'running', createdAt: 20, lastSeq: 1 }],
      }),
    });
    const silent = await memoryWorker({ 'job.list': () => new Promise(() => {}) });
    const erring = await memoryWorker({});
    const merged = await listAcrossWorkers(
      [
        { worker: 'a', peer: a.peer },
        { worker: 'b', peer: b.peer },
        { worker: 'silent', peer: silent.peer },
        { worker: 'old', peer: erring.peer },
      ],
      'job.list',
      {},
      { timeoutMs: 300 },
    );
    expect(merged.rows.map((r) => `${r.worker}/${r.row.jobId}`)).toEqual(['b/b1', 'a/a1']);
    expect(merged.failed.map((f) => [f.worker, f.code])).toEqual([
      ['silent', 'request_timeout'],
      ['old', 'unknown_method'],
    ]);
    expect(merged.failed[0]?.message).toBe(
      'worker silent did not answer within 0.3 s; its rows are missing (is it online? `trainwire workers`)',
    );
  });
});
