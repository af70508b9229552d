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

  it('refuses another protocol version with unsupported_version, naming both versions', () => {
    const bad = decodeFrame(
      JSON.stringify({ v: 2, type: 'request', id: 'a', method: 'worker.info', params: {} }),
    );
    expect(!bad.ok && bad.code).toBe('unsupported_version');
    expect(!bad.ok && bad.message).toContain('speaks protocol v2 and this one speaks v1');
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

  it('runs the handler once for a request retried while it is answered, and re-sends that answer', async () => {
    // The client gives up each try after 100 ms; the handler takes 350 ms (a big file's hash).
    const { client, server } = await pair();
    let calls = 0;
    server.serve({
      'worker.info': async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 350));
        return info;
      },
    });
    expect((await client.request('worker.info', {})).id).toBe('w1');
    expect(calls).toBe(1);
  });

  it('answers a retry of an answered request from the answer it sent, without running it again', async () => {
    // Responses from the server are lost 30 % of the time: retries arrive after an answer.
    const { client, server } = await pair({ dropRate: 0.3, seed: 11 }, 20);
    let calls = 0;
    server.serve({
      'worker.info': () => {
        calls++;
        return info;
      },
    });
    for (let i = 0; i < 5; i++) expect((await client.request('worker.info', {})).id).toBe('w1');
    expect(calls).toBe(5);
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
    const errorReplies = () => replies.filter((r) => JSON.parse(r).type === 'error').length;
    // Waits on the replies themselves (a loaded machine delivers them late), 2 s at most.
    for (let waited = 0; waited < 2_000; waited += 10) {
      if (server.stats.malformed > 150 && errorReplies() === server.stats.malformed) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(server.stats.malformed).toBeGreaterThan(150);
    expect(errorReplies()).toBe(server.stats.malformed);
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

describe('what reaches the wire', () => {
  it('answers a request without params bad_params, naming params', async () => {
    const { a, server } = await pair();
    server.serve({ 'job.list': () => ({ jobs: [] }) });
    const replies: Record<string, unknown>[] = [];
    a.messages$.subscribe((m) => replies.push(JSON.parse(m)));
    a.send(JSON.stringify({ v: 1, type: 'request', id: 'q1', method: 'job.list' }));
    await new Promise((r) => setTimeout(r, 20));
    expect(replies[0]).toMatchObject({
      id: 'q1',
      ok: false,
      error: { code: 'bad_params', details: { issues: [{ path: 'params' }] } },
    });
  });

  it('maps an errno to its protocol code and never sends the system message (it names real paths)', async () => {
    const { client, server } = await pair();
    const problems: string[] = [];
    server.problems$.subscribe((p) => problems.push(`${p.direction} ${p.code}`));
    server.serve({
      'file.download': () => {
        throw Object.assign(new Error("ENOENT: no such file or directory, stat '/real/secret'"), {
          code: 'ENOENT',
        });
      },
      'job.list': () => {
        throw Object.assign(new Error('SQLITE_BUSY: database is locked'), {
          code: 'SQLITE_BUSY',
          name: 'SqliteError',
        });
      },
    });
    const missing = await client
      .request('file.download', { path: '/data/x', transferId: 't' })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'not_found' });
    expect((missing as Error).message).not.toContain('/real/secret');
    const busy = await client.request('job.list', {}).catch((e: unknown) => e);
    expect(busy).toMatchObject({ code: 'internal_error' });
    expect((busy as Error).message).not.toContain('SQLITE');
    expect(problems).toEqual(['handler-failed not_found', 'handler-failed internal_error']);
  });

  it('fails a request at once when the other side answers in another version, naming both', async () => {
    const { a, b, client, server } = await pair();
    server.dispose(); // a peer of another version answers instead
    b.messages$.subscribe((text) => {
      const { id } = JSON.parse(text);
      b.send(JSON.stringify({ v: 2, type: 'response', id, ok: true, result: {} }));
    });
    const error = await client.request('worker.info', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unsupported_version' });
    expect((error as Error).message).toContain('v2');
    expect((error as Error).message).toContain('v1');
    expect(a.stats.sent).toBeGreaterThan(0);
  });

  it('never answers an error frame, even one it cannot read (two peers would echo)', async () => {
    const { a, server } = await pair();
    server.serve({});
    const replies: string[] = [];
    a.messages$.subscribe((m) => replies.push(m));
    a.send(JSON.stringify({ v: 2, type: 'error', code: 'x', message: 'm' }));
    a.send(JSON.stringify({ v: 1, type: 'error', message: 'no code' }));
    a.send(JSON.stringify({ v: 1, type: 'error', code: 'bad_frame', message: 'm' }));
    await new Promise((r) => setTimeout(r, 20));
    expect(replies).toEqual([]);
    expect(server.stats.malformed).toBe(2);
  });
});
