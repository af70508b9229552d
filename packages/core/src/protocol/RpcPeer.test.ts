import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isTrainwireError } from '../errors.js';
import { createMemoryTransportPair } from '../testing/MemoryTransport.js';
import { decodeFrame } from './decodeFrame.js';
import { RpcPeer } from './RpcPeer.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function pair(options = {}, retries = 3) {
  const [a, b] = createMemoryTransportPair(options);
  await Promise.all([a.connect(), b.connect()]);
  const client = new RpcPeer(a, { requestTimeoutMs: 100, retries });
  const server = new RpcPeer(b);
  cleanups.push(() => a.close());
  return { a, b, client, server };
}

const info = {
  id: 'w1',
  name: 'gpu-server-01',
  gpu: null,
  cpu: { model: 'x', cores: 2 },
  ramMiB: 1024,
  status: 'available' as const,
  versions: {},
  capabilities: [],
  tags: [],
};

describe('decodeFrame', () => {
  it('names the field that is wrong', () => {
    const bad = decodeFrame(
      JSON.stringify({
        v: 1,
        type: 'event',
        event: { jobId: 'j', seq: 0, ts: 1, type: 'log', stream: 'stdout', line: 'x' },
      }),
    );
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toContain('event.seq');
  });

  it('refuses another protocol version, saying which it speaks', () => {
    const bad = decodeFrame(
      JSON.stringify({ v: 2, type: 'request', id: 'a', method: 'worker.info', params: {} }),
    );
    expect(!bad.ok && bad.message).toContain('v1');
    expect(!bad.ok && bad.ref).toBe('a');
  });

  it('never throws on any input (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) =>
            JSON.stringify({
              v: 1,
              type: 'request',
              ...(typeof v === 'object' && v !== null ? v : { x: v }),
            }),
          ),
        ),
        (text) => {
          const result = decodeFrame(text);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('RpcPeer', () => {
  it('answers a request with a validated result', async () => {
    const { client, server } = await pair();
    server.serve({ 'worker.info': () => info });
    expect((await client.request('worker.info', {})).name).toBe('gpu-server-01');
  });

  it('retries after lost frames (every method is idempotent)', async () => {
    const { client, server } = await pair({ dropRate: 0.3, seed: 3 }, 20);
    let calls = 0;
    server.serve({
      'worker.info': () => {
        calls++;
        return info;
      },
    });
    for (let i = 0; i < 5; i++) expect((await client.request('worker.info', {})).id).toBe('w1');
    expect(calls).toBeGreaterThanOrEqual(5);
  });

  it('carries the worker error code and names bad params', async () => {
    const { client, server } = await pair();
    server.serve({
      'job.stop': () => {
        throw Object.assign(new Error('no job j9; list jobs with `trainwire jobs`'), {
          code: 'unknown_job',
          name: 'WorkerError',
        });
      },
    });
    await expect(client.request('job.stop', { jobId: 'j9' })).rejects.toMatchObject({
      code: 'unknown_job',
    });
    await expect(client.request('job.stop', { jobId: '' } as never)).rejects.toMatchObject({
      code: 'bad_params',
      message: expect.stringContaining('jobId'),
    });
    await expect(client.request('job.list', {})).rejects.toMatchObject({ code: 'unknown_method' });
  });

  it('refuses a job id that would escape the worker data dir before the handler runs', async () => {
    const { client, server } = await pair();
    let called = false;
    server.serve({
      'job.stop': () => {
        called = true;
        return { state: 'stopping' as const };
      },
    });
    await expect(client.request('job.stop', { jobId: '../../escape' })).rejects.toMatchObject({
      code: 'bad_params',
      message: expect.stringContaining('jobId: a job id is letters, digits'),
    });
    expect(called).toBe(false);
  });

  it('refuses a result that does not match the schema', async () => {
    const { client, server } = await pair();
    server.serve({ 'worker.info': () => ({ ...info, ramMiB: -1 }) });
    const error = await client.request('worker.info', {}).catch((e: unknown) => e);
    expect(isTrainwireError(error, 'protocol_error')).toBe(true);
    expect((error as Error).message).toContain('ramMiB');
  });

  it('survives fuzzed frames: counts them, answers with error frames, keeps serving', async () => {
    const { a, client, server } = await pair();
    server.serve({ 'worker.info': () => info });
    const replies: string[] = [];
    a.messages$.subscribe((m) => replies.push(m));
    const garbage = fc.sample(
      fc.oneof(fc.string(), fc.json(), fc.constant('{"v":1,"type":"event","event":{}}')),
      200,
    );
    for (const text of garbage) a.send(text);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.stats.malformed).toBeGreaterThan(150);
    expect(replies.filter((r) => JSON.parse(r).type === 'error').length).toBe(
      server.stats.malformed,
    );
    expect((await client.request('worker.info', {})).id).toBe('w1');
  });
});

describe('non-finite metrics on the wire', () => {
  it('a NaN or infinite loss arrives as NaN or Infinity, not null', async () => {
    const { client, server } = await pair();
    const got = new Promise<unknown>((resolve) => client.events$.subscribe((e) => resolve(e)));
    server.sendEvent({
      jobId: 'j',
      seq: 1,
      ts: 1,
      type: 'progress',
      progress: {
        event: 'epoch_end',
        epoch: 0,
        logs: {
          'train/loss': Number.NaN,
          'val/loss': Number.POSITIVE_INFINITY,
          x: Number.NEGATIVE_INFINITY,
          y: null,
        },
      },
    });
    const event = (await got) as { progress: { logs: Record<string, number | null> } };
    expect(event.progress.logs['train/loss']).toBeNaN();
    expect(event.progress.logs['val/loss']).toBe(Number.POSITIVE_INFINITY);
    expect(event.progress.logs.x).toBe(Number.NEGATIVE_INFINITY);
    expect(event.progress.logs.y).toBeNull();
  });
});
