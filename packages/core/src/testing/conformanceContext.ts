import { filter, firstValueFrom, type Subscription, take, timeout } from 'rxjs';
import { isTrainwireError } from '../errors.js';
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import type { MethodName, MethodParams, MethodResult } from '../protocol/methods.js';
import { RpcPeer } from '../protocol/RpcPeer.js';
import type { JobEvent } from '../schemas/JobEvent.js';
import type { JobSpecInput } from '../schemas/JobSpec.js';
import type { Transport } from '../Transport.js';
import { sha256Hex } from './ScriptedWorker.js';

/** A check did not hold: the message says what was expected and what came. */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
}

/** Fails the check with `message` unless `condition` holds. */
export function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** How the kit tunes its waits, and which job it runs on the worker. */
export interface ConformanceSettings {
  /** A job the worker completes in seconds (the default runs trainwire's built-in trainer). */
  job: JobSpecInput;
  /** A config of `job.profile` the worker must refuse with `config_invalid`; none: not checked. */
  invalidConfig: Record<string, unknown> | undefined;
  /** How long one request may take, ms. */
  requestTimeoutMs: number;
  /** How long the job may take to end, ms. */
  jobTimeoutMs: number;
}

/** What every check works with: the link, a typed peer over it, and what it collected. */
export class ConformanceContext {
  readonly peer: RpcPeer;
  /** Every event the worker pushed, in arrival order. */
  readonly pushed: JobEvent[] = [];
  /** Every error code the worker answered with (the last check audits them). */
  readonly codes = new Set<string>();
  /** Raw frames that arrived (text), for the checks that send raw ones. */
  private readonly raw: Record<string, unknown>[] = [];
  private readonly subscriptions: Subscription[] = [];
  /** Shared between checks: the job that ran, and what was uploaded. */
  readonly state: {
    jobId?: string;
    spec?: JobSpecInput;
    events?: JobEvent[];
    upload?: { path: string; sha256: string; size: number };
    /** The model the registry check registered and activated from the job. */
    model?: { name: string; version: number; artifactId: string };
  } = {};

  constructor(
    readonly transport: Transport,
    readonly settings: ConformanceSettings,
  ) {
    this.peer = new RpcPeer(transport, {
      requestTimeoutMs: settings.requestTimeoutMs,
      retries: 1,
    });
    this.subscriptions.push(
      this.peer.events$.subscribe((event) => this.pushed.push(event)),
      transport.messages$.subscribe((text) => {
        try {
          const frame = JSON.parse(text) as Record<string, unknown>;
          this.raw.push(frame);
          const error = (frame as { error?: { code?: unknown } }).error;
          if (frame.type === 'response' && typeof error?.code === 'string')
            this.codes.add(error.code);
          if (frame.type === 'error' && typeof frame.code === 'string') this.codes.add(frame.code);
        } catch {
          this.raw.push({ unreadable: text.slice(0, 200) });
        }
      }),
    );
  }

  /** Calls `method`; its result, validated by the method's schema. */
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    return this.peer.request(method, params);
  }

  /** Calls `method` expecting the error `code`; fails the check otherwise. */
  async refused<M extends MethodName>(
    method: M,
    params: MethodParams<M>,
    code: string,
  ): Promise<{ code: string; message: string; details: Record<string, unknown> | undefined }> {
    const outcome = await this.peer.request(method, params).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    if ('result' in outcome) {
      throw new ConformanceFailure(
        `${method} ${JSON.stringify(params)} answered ${JSON.stringify(outcome.result).slice(0, 200)}; expected error ${code}`,
      );
    }
    const error = outcome.error;
    expectThat(
      isTrainwireError(error) && error.code === code,
      `${method} ${JSON.stringify(params)} failed with ${isTrainwireError(error) ? error.code : String(error)}; expected ${code}`,
    );
    return { code: error.code, message: error.message, details: error.details };
  }

  /**
   * Sends `text` as it is and waits for the frame that answers it: one whose `id` or `ref`
   * is `ref`, or (without a ref) the next `error` frame. Undefined when none came in time.
   */
  async sendRaw(
    text: string,
    ref: string | undefined,
    waitMs = this.settings.requestTimeoutMs,
  ): Promise<Record<string, unknown> | undefined> {
    const from = this.raw.length;
    const matches = (frame: Record<string, unknown>) =>
      ref === undefined
        ? frame.type === 'error' && frame.ref === undefined
        : frame.id === ref || frame.ref === ref;
    this.transport.send(text);
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const found = this.raw.slice(from).find(matches);
      if (found) return found;
      await sleep(10);
    }
    return undefined;
  }

  /** A raw request frame with a fresh id. */
  rawRequest(
    method: string,
    params: unknown,
    extra: Record<string, unknown> = {},
  ): {
    id: string;
    text: string;
  } {
    const id = `conf-raw-${Math.random().toString(36).slice(2, 10)}`;
    const frame: Record<string, unknown> = { v: PROTOCOL_VERSION, type: 'request', id, method };
    if (params !== undefined) frame.params = params;
    return { id, text: JSON.stringify({ ...frame, ...extra }) };
  }

  /** Waits until `check()` holds, or fails with `what` after `ms`. */
  async until(check: () => boolean, what: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new ConformanceFailure(`timed out after ${ms} ms ${what}`);
      await sleep(20);
    }
  }

  /**
   * Downloads `path` (from `offset`) over a byte stream of a fresh id, subscribed before
   * asking as the protocol says; the answer and the bytes that arrived.
   */
  async download(
    path: string,
    offset = 0,
  ): Promise<{
    result: MethodResult<'file.download'>;
    bytes: Uint8Array;
  }> {
    const transferId = `conf-dl-${Math.random().toString(36).slice(2, 10)}`;
    const stream = firstValueFrom(
      this.transport.byteStreams$.pipe(
        filter((s) => s.header.id === transferId),
        take(1),
        timeout(this.settings.requestTimeoutMs),
      ),
    );
    stream.catch(() => undefined);
    const result = await this.call('file.download', { path, offset, transferId });
    const reader = await stream.catch(() => {
      throw new ConformanceFailure(`file.download answered but no byte stream ${transferId} came`);
    });
    const chunks: Uint8Array[] = [];
    await new Promise<void>((resolve, reject) =>
      reader.chunks$.subscribe({
        next: (chunk) => chunks.push(chunk),
        error: (error: unknown) =>
          reject(new ConformanceFailure(`the byte stream of ${path} broke: ${String(error)}`)),
        complete: resolve,
      }),
    );
    return { result, bytes: concat(chunks) };
  }

  /** Uploads `bytes` as `name`: begin, the byte stream, finish. */
  async upload(name: string, bytes: Uint8Array, announcedSha256?: string): Promise<string> {
    const sha = announcedSha256 ?? (await sha256Hex(bytes));
    const begun = await this.call('upload.begin', {
      name,
      size: bytes.length,
      sha256: sha,
    });
    if (begun.have) return begun.path;
    await this.sendBytes(begun.transferId, name, bytes, sha, begun.offset);
    return (await this.call('upload.finish', { transferId: begun.transferId })).path;
  }

  /** Sends `bytes` from `offset` on a byte stream with id `id`. */
  async sendBytes(
    id: string,
    name: string,
    bytes: Uint8Array,
    sha: string,
    offset: number,
    until = bytes.length,
  ): Promise<void> {
    const writer = await this.transport.openByteStream({
      id,
      name,
      size: bytes.length,
      sha256: sha,
      offset,
    });
    await writer.write(bytes.subarray(offset, until));
    await writer.end();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.peer.dispose();
  }
}

/** The chunks as one array. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
