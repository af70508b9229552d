import type { Subscription } from 'rxjs';
import { isTrainwireError } from '../errors.js';
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import { isMethodName, type MethodResult } from '../protocol/methods.js';
import { RpcPeer } from '../protocol/RpcPeer.js';
import type { JobEvent } from '../schemas/JobEvent.js';
import type { Transport } from '../Transport.js';
import { type ConformanceReport, type ConformanceResult, runCheck } from './conformance.js';
import { ConformanceFailure, expectThat } from './conformanceContext.js';
import { sha256Hex } from './ScriptedWorker.js';

/** How the kit makes the client under test act: the client's own API, wrapped. */
export interface ClientDriver {
  /**
   * Follows job `jobId` on the worker (`job.attach`, or `job.start` of `spec`) until its
   * final state; resolves with the events the client kept, in the order it shows them.
   */
  follow(jobId: string): Promise<readonly JobEvent[]>;
  /** Downloads `path`; resolves with the bytes it accepted, rejects when it refused them. */
  download(path: string): Promise<Uint8Array>;
}

const JOB = 'conf-client-job';
const SPEC = { profile: 'builtin', config: {}, inputs: {}, device: 'auto' as const, tags: [] };
const GOOD = '/conformance/good.bin';
const CORRUPT = '/conformance/corrupt.bin';

function history(): JobEvent[] {
  const at = (seq: number) => ({ jobId: JOB, seq, ts: 1_000 + seq });
  const events: JobEvent[] = [
    { ...at(1), type: 'state', state: 'starting' },
    { ...at(2), type: 'state', state: 'running' },
  ];
  for (let epoch = 0; events.length < 9; epoch++) {
    events.push({
      ...at(events.length + 1),
      type: 'progress',
      progress: {
        event: 'epoch_end',
        epoch,
        logs: { loss: epoch === 2 ? Number.NaN : 1 / (epoch + 1) },
      },
    });
  }
  events.push({ ...at(10), type: 'state', state: 'completed', exitCode: 0 });
  return events;
}

/**
 * Checks a client against the protocol: the kit plays a worker on `transport` (the
 * worker's end of a link to the client) that does everything the protocol allows and a
 * naive client gets wrong. Pushes arrive before the answer to `job.attach`; a push is
 * duplicated and one is missing (the client must fill the gap by `seq`); `job.events`
 * answers one event per page (`more`); a download's bytes do not match its SHA-256; the
 * worker asks `worker.info` as a stopping worker does, and sends a malformed frame.
 *
 * @example
 * ```ts
 * const [clientEnd, workerEnd] = createMemoryTransportPair();
 * const report = await runClientConformance(workerEnd, {
 *   follow: (jobId) => myClient.follow(jobId),
 *   download: (path) => myClient.download(path),
 * });
 * ```
 */
export async function runClientConformance(
  transport: Transport,
  driver: ClientDriver,
  options: { timeoutMs?: number } = {},
): Promise<ConformanceReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const events = history();
  const good = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
  const requests: Record<string, unknown>[] = [];
  const replies: Record<string, unknown>[] = [];
  const pages: number[] = [];
  const peer = new RpcPeer(transport, { requestTimeoutMs: timeoutMs, retries: 0 });
  const subscriptions: Subscription[] = [
    transport.messages$.subscribe((text) => {
      try {
        const frame = JSON.parse(text) as Record<string, unknown>;
        (frame.type === 'request' ? requests : replies).push(frame);
      } catch {
        replies.push({ unreadable: text });
      }
    }),
  ];
  const subscribe = (afterSeq: number | undefined) => {
    // Before the answer: the last stored event, as a worker may push it.
    peer.sendEvent(events[6]!);
    setTimeout(() => {
      // After it: a duplicate, then seq 9 is skipped, then the final state.
      for (const event of [events[6]!, events[7]!, events[9]!]) peer.sendEvent(event);
    }, 20);
    return { jobId: JOB, spec: SPEC, state: 'running' as const, lastSeq: afterSeq ?? 7 };
  };
  peer.serve({
    'worker.info': () => ({
      id: 'conformance',
      name: 'conformance-worker',
      gpu: null,
      cpu: { model: 'kit', cores: 1 },
      ramMiB: 1024,
      status: 'available',
      versions: { protocol: String(PROTOCOL_VERSION) },
      capabilities: ['builtin'],
      tags: [],
    }),
    'job.attach': ({ jobId }) => {
      if (jobId !== JOB)
        throw Object.assign(new Error(`no job ${jobId}`), {
          code: 'unknown_job',
          name: 'TrainwireError',
        });
      return subscribe(undefined);
    },
    'job.start': ({ jobId }) => ({ ...subscribe(undefined), jobId }),
    'job.events': ({ afterSeq, untilSeq }) => {
      const range = events.filter(
        (e) => e.seq > afterSeq && (untilSeq === undefined || e.seq <= untilSeq),
      );
      pages.push(afterSeq);
      // One event per page until the push of seq 7 is held back (it came early): the client pages.
      return { events: range.slice(0, 1), more: range.length > 1 };
    },
    'job.list': () => ({ jobs: [] }),
    'file.download': async ({
      path,
      offset,
      transferId,
    }): Promise<MethodResult<'file.download'>> => {
      if (path !== GOOD && path !== CORRUPT)
        throw Object.assign(new Error(`${path} does not exist`), {
          code: 'not_found',
          name: 'TrainwireError',
        });
      const sha256 = path === GOOD ? await sha256Hex(good) : await sha256Hex(good.subarray(1));
      const header = { id: transferId, name: 'file.bin', size: good.length, sha256, offset };
      const writer = await transport.openByteStream(header);
      void (async () => {
        const bytes = good.slice(offset);
        if (path === CORRUPT) bytes[10] = (bytes[10]! + 1) & 0xff;
        await writer.write(bytes);
        await writer.end();
      })().catch(() => undefined);
      return { transferId, name: header.name, size: header.size, sha256, offset };
    },
  });
  const results: ConformanceResult[] = [];
  const check = async (id: string, title: string, run: () => Promise<void>) => {
    results.push(await runCheck({ id, title }, run));
  };
  try {
    await check(
      'client.follow',
      'follows a job: every event once, in seq order, gaps filled, duplicates dropped',
      async () => {
        const got = await withTimeout(driver.follow(JOB), timeoutMs, 'following the job');
        const seqs = got.map((e) => e.seq).join(',');
        expectThat(
          seqs === events.map((e) => e.seq).join(','),
          `the client kept seqs ${seqs}; expected 1..${events.length}`,
        );
        const nan = got.find((e) => e.seq === 5);
        expectThat(
          nan?.type === 'progress' &&
            nan.progress.event === 'epoch_end' &&
            Number.isNaN(nan.progress.logs.loss),
          'a NaN loss did not arrive as NaN',
        );
        expectThat(
          new Set(pages).size > 1,
          'the client did not page job.events while more was true',
        );
      },
    );
    await check(
      'client.download',
      'accepts a download whose bytes match, refuses one whose SHA-256 does not',
      async () => {
        const bytes = await withTimeout(driver.download(GOOD), timeoutMs, 'the download');
        expectThat(
          (await sha256Hex(bytes)) === (await sha256Hex(good)),
          'the client kept other bytes',
        );
        const refused = await withTimeout(
          driver.download(CORRUPT),
          timeoutMs,
          'the corrupt download',
        ).then(
          () => false,
          () => true,
        );
        expectThat(refused, 'the client accepted bytes that do not match their SHA-256');
      },
    );
    await check(
      'client.requests',
      'every request is v1, with params, a unique id and a known method',
      async () => {
        expectThat(requests.length > 0, 'the client sent no request');
        const ids = new Set<string>();
        for (const frame of requests) {
          const text = JSON.stringify(frame).slice(0, 200);
          expectThat(
            frame.v === PROTOCOL_VERSION,
            `a request of version ${String(frame.v)}: ${text}`,
          );
          expectThat(
            typeof frame.params === 'object' && frame.params !== null,
            `a request without params: ${text}`,
          );
          expectThat(isMethodName(String(frame.method)), `an unknown method: ${text}`);
          ids.add(String(frame.id));
        }
        // Retries reuse their id; different requests never share one.
        const distinct = new Set(requests.map((r) => `${String(r.id)} ${String(r.method)}`));
        expectThat(distinct.size === ids.size, 'two different requests share an id');
      },
    );
    await check(
      'client.serves-info',
      "answers a stopping worker's worker.info (any answer, unknown_method too)",
      async () => {
        await peer.request('worker.info', {}).catch((error: unknown) => {
          if (
            isTrainwireError(error) &&
            error.code !== 'request_timeout' &&
            error.code !== 'transport_closed'
          )
            return;
          throw new ConformanceFailure(`no answer to worker.info: ${String(error)}`);
        });
      },
    );
    await check(
      'client.malformed',
      'answers a malformed frame with bad_frame, and never answers an error frame',
      async () => {
        const from = replies.length;
        transport.send('{"v":1,"type":"teapot"}');
        transport.send(
          JSON.stringify({
            v: PROTOCOL_VERSION,
            type: 'error',
            code: 'bad_frame',
            message: 'conformance',
          }),
        );
        const deadline = Date.now() + timeoutMs;
        while (!replies.slice(from).some((r) => r.type === 'error') && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 10));
        await new Promise((resolve) => setTimeout(resolve, 200));
        const errors = replies.slice(from).filter((r) => r.type === 'error');
        expectThat(
          errors.length === 1 && errors[0]!.code === 'bad_frame',
          `the client answered ${JSON.stringify(errors).slice(0, 200)}`,
        );
      },
    );
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    peer.dispose();
  }
  return { ok: results.every((r) => r.passed), results };
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ConformanceFailure(`${what} did not end within ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
