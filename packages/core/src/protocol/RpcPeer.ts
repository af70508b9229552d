import {
  asyncScheduler,
  filter,
  firstValueFrom,
  type Observable,
  type SchedulerLike,
  Subject,
  type Subscription,
  take,
  timeout,
} from 'rxjs';
import {
  formatFieldIssues,
  isTrainwireError,
  RemoteError,
  TransportError,
  toFieldIssues,
} from '../errors.js';
import type { JobEvent } from '../schemas/JobEvent.js';
import type { Notice } from '../schemas/Notice.js';
import type { Transport } from '../Transport.js';
import { decodeFrame } from './decodeFrame.js';
import { encodeJson } from './encodeJson.js';
import { toWireError } from './errorCodes.js';
import { type Frame, PROTOCOL_VERSION, type RequestFrame, type ResponseFrame } from './frames.js';
import {
  isMethodName,
  METHODS,
  type MethodHandlers,
  type MethodName,
  type MethodParams,
  type MethodResult,
} from './methods.js';

/** Tuning of an {@link RpcPeer}. */
export interface RpcPeerOptions {
  /** Timers run on it; tests pass a virtual clock. */
  scheduler?: SchedulerLike;
  /** How long to wait for a response before sending the request again. */
  requestTimeoutMs?: number;
  /** How many times a request is sent again after a timeout (every method is idempotent). */
  retries?: number;
  /** How long a request waits for the transport to be `open`. */
  openTimeoutMs?: number;
}

/** Something a peer sent that this peer could not use, or an error frame it sent back. */
export interface ProtocolProblem {
  /** `handler-failed`: a handler threw something with no protocol code (sent as its mapping). */
  direction: 'received-bad-frame' | 'peer-reported-error' | 'send-failed' | 'handler-failed';
  code: string;
  message: string;
}

interface Pending {
  method: MethodName;
  settle: (frame: ResponseFrame) => void;
  fail: (error: Error) => void;
}

let nextPeerNumber = 0;

/** How many answers a peer keeps to re-send to a retried request. */
const ANSWERS_KEPT = 32;

/**
 * One end of the control protocol over a {@link Transport}: typed requests with retries,
 * responses, pushed job events, and validation of every inbound frame. A malformed frame
 * never throws: it is counted, reported on `problems$`, and answered with an error frame.
 *
 * @example
 * ```ts
 * const peer = new RpcPeer(transport);
 * const info = await peer.request('worker.info', {});
 * peer.events$.subscribe((event) => console.log(event.seq, event.type));
 * ```
 */
export class RpcPeer {
  /** Job events pushed by the other side, validated. */
  readonly events$: Observable<JobEvent>;
  /** Notices pushed by the other side (`model.activated`), validated. */
  readonly notices$: Observable<Notice>;
  /** Bad frames received and error frames the other side sent. */
  readonly problems$: Observable<ProtocolProblem>;
  /** Counters: malformed frames received, error frames received. */
  readonly stats = { malformed: 0, errorFrames: 0 };
  /** Emits each time anything arrives from the other side: it is alive. */
  readonly heard$: Observable<void>;
  /** When something last arrived from the other side (scheduler time; creation until then). */
  lastHeardAt: number;
  private readonly heard = new Subject<void>();

  private readonly events = new Subject<JobEvent>();
  private readonly notices = new Subject<Notice>();
  private readonly problems = new Subject<ProtocolProblem>();
  private readonly pending = new Map<string, Pending>();
  private readonly scheduler: SchedulerLike;
  private readonly requestTimeoutMs: number;
  private readonly retries: number;
  private readonly openTimeoutMs: number;
  private readonly prefix =
    `${(nextPeerNumber++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  private counter = 0;
  private handlers: MethodHandlers = {};
  private readonly subscription: Subscription;
  /**
   * Requests being answered, and the newest answers sent, by id: a request retried after
   * a timeout (the same id) runs its handler once — a slow `file.download` hashing a big
   * file would otherwise open its stream twice — and gets the first try's answer.
   */
  private readonly answering = new Set<string>();
  private readonly answered = new Map<string, string>();

  constructor(
    readonly transport: Transport,
    options: RpcPeerOptions = {},
  ) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.retries = options.retries ?? 3;
    this.openTimeoutMs = options.openTimeoutMs ?? 30_000;
    this.events$ = this.events.asObservable();
    this.notices$ = this.notices.asObservable();
    this.problems$ = this.problems.asObservable();
    this.heard$ = this.heard.asObservable();
    this.lastHeardAt = this.scheduler.now();
    this.subscription = transport.messages$.subscribe((text) => this.receive(text));
  }

  /** Serves requests with these handlers (worker side); replaces earlier ones. */
  serve(handlers: MethodHandlers): void {
    this.handlers = handlers;
  }

  /**
   * Calls `method` on the other side. Waits for the transport to be open, retries after a
   * timeout, and validates the result. Rejects with a `RemoteError` carrying the other
   * side's `code` when it answers with an error.
   */
  async request<M extends MethodName>(
    method: M,
    params: MethodParams<M>,
  ): Promise<MethodResult<M>> {
    const id = `${this.prefix}-${(this.counter++).toString(36)}`;
    const text = encodeJson({ v: PROTOCOL_VERSION, type: 'request', id, method, params });
    let lastError: Error | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      await this.whenOpen();
      try {
        const response = await this.exchange(id, method, text);
        return this.unwrap(method, response);
      } catch (error) {
        if (!isTrainwireError(error) || !RETRYABLE.has(error.code)) throw error;
        lastError = error;
      }
    }
    throw new RemoteError(
      'request_timeout',
      `the worker did not answer ${describeRequest(method)} after ${this.retries + 1} tries; check that it is online (\`trainwire workers\`)`,
      { cause: lastError },
    );
  }

  /** Pushes a job event to the other side; false when the transport is not open. */
  sendEvent(event: JobEvent): boolean {
    return this.trySend(encodeJson({ v: PROTOCOL_VERSION, type: 'event', event }));
  }

  /** Pushes a notice to the other side; false when the transport is not open. */
  sendNotice(notice: Notice): boolean {
    return this.trySend(encodeJson({ v: PROTOCOL_VERSION, type: 'notice', notice }));
  }

  /** True once {@link dispose} ran (the connection is gone). */
  get disposed(): boolean {
    return this.subscription.closed;
  }

  /** Stops reading the transport and fails pending requests. */
  dispose(): void {
    this.subscription.unsubscribe();
    for (const pending of this.pending.values()) {
      pending.fail(new TransportError('transport_closed', 'the connection was closed'));
    }
    this.pending.clear();
    this.events.complete();
    this.notices.complete();
    this.problems.complete();
    this.heard.complete();
  }

  private async whenOpen(): Promise<void> {
    const status = await firstValueFrom(
      this.transport.status$.pipe(
        filter((s) => s === 'open' || s === 'closed'),
        take(1),
        timeout({ first: this.openTimeoutMs, scheduler: this.scheduler }),
      ),
    ).catch(() => 'timeout' as const);
    if (status === 'closed') {
      throw new TransportError('transport_closed', `connection ${this.transport.id} is closed`);
    }
    if (status === 'timeout') {
      throw new TransportError(
        'transport_not_open',
        `connection ${this.transport.id} did not open within ${this.openTimeoutMs} ms`,
      );
    }
  }

  private exchange(id: string, method: MethodName, text: string): Promise<ResponseFrame> {
    return new Promise<ResponseFrame>((resolve, reject) => {
      const timer = this.scheduler.schedule(() => {
        this.pending.delete(id);
        reject(
          new RemoteError('request_timeout', `no answer to ${describeRequest(method)} in time`),
        );
      }, this.requestTimeoutMs);
      this.pending.set(id, {
        method,
        settle: (frame) => {
          timer.unsubscribe();
          this.pending.delete(id);
          resolve(frame);
        },
        fail: (error) => {
          timer.unsubscribe();
          this.pending.delete(id);
          reject(error);
        },
      });
      try {
        this.transport.send(text);
      } catch (error) {
        // A send that fails while reconnecting is retried like a lost frame.
        if (isTrainwireError(error, 'transport_not_open')) return;
        this.pending.get(id)?.fail(error as Error);
      }
    });
  }

  private unwrap<M extends MethodName>(method: M, response: ResponseFrame): MethodResult<M> {
    if (!response.ok) {
      throw new RemoteError(response.error.code, response.error.message, {
        details: response.error.details,
      });
    }
    const parsed = METHODS[method].result.safeParse(response.result);
    if (!parsed.success) {
      const detail = formatFieldIssues(toFieldIssues(parsed.error));
      throw new RemoteError(
        'protocol_error',
        `the worker sent a malformed answer to ${describeRequest(method)} (${method}): ${detail}; is it a compatible trainwire version?`,
      );
    }
    return parsed.data as MethodResult<M>;
  }

  private receive(text: string): void {
    this.lastHeardAt = this.scheduler.now();
    this.heard.next();
    const decoded = decodeFrame(text);
    if (!decoded.ok) {
      this.stats.malformed++;
      this.problems.next({
        direction: 'received-bad-frame',
        code: decoded.code,
        message: decoded.message,
      });
      // A frame of another version that answers one of ours: that request fails now,
      // saying why, instead of timing out.
      const pending = decoded.ref === undefined ? undefined : this.pending.get(decoded.ref);
      if (decoded.code === 'unsupported_version' && pending !== undefined) {
        pending.fail(new RemoteError('unsupported_version', decoded.message));
      }
      // An error frame is never answered: two peers that cannot read each other would echo.
      if (decoded.wasError) return;
      const reply: Record<string, unknown> = {
        v: PROTOCOL_VERSION,
        type: 'error',
        code: decoded.code,
        message: decoded.message.slice(0, 8192),
      };
      if (decoded.ref !== undefined) reply.ref = decoded.ref;
      if (decoded.version !== undefined)
        reply.details = { speaks: PROTOCOL_VERSION, received: decoded.version };
      this.trySend(JSON.stringify(reply));
      return;
    }
    this.dispatch(decoded.frame);
  }

  private dispatch(frame: Frame): void {
    switch (frame.type) {
      case 'event':
        this.events.next(frame.event);
        return;
      case 'notice':
        this.notices.next(frame.notice);
        return;
      case 'response':
        this.pending.get(frame.id)?.settle(frame);
        return;
      case 'error': {
        this.stats.errorFrames++;
        this.problems.next({
          direction: 'peer-reported-error',
          code: frame.code,
          message: frame.message,
        });
        const pending = frame.ref === undefined ? undefined : this.pending.get(frame.ref);
        pending?.fail(
          new RemoteError(
            frame.code,
            `the worker could not read ${describeRequest(pending.method)} (${pending.method}): ${frame.message}`,
            frame.details === undefined ? {} : { details: frame.details },
          ),
        );
        return;
      }
      case 'request':
        void this.answer(frame);
        return;
    }
  }

  private async answer(frame: RequestFrame): Promise<void> {
    const earlier = this.answered.get(frame.id);
    if (earlier !== undefined) {
      this.trySend(earlier);
      return;
    }
    // Its first try is still being answered: that answer goes out when it is ready.
    if (this.answering.has(frame.id)) return;
    this.answering.add(frame.id);
    try {
      await this.answerOnce(frame);
    } finally {
      this.answering.delete(frame.id);
    }
  }

  private async answerOnce(frame: RequestFrame): Promise<void> {
    const reply = (body: Record<string, unknown>) => {
      // encodeJson: a result may hold a diverging loss (job.events), which must stay NaN.
      const text = encodeJson({ v: PROTOCOL_VERSION, type: 'response', id: frame.id, ...body });
      this.answered.set(frame.id, text);
      // The few newest: a retry comes within its requester's few timeouts.
      if (this.answered.size > ANSWERS_KEPT) {
        this.answered.delete(this.answered.keys().next().value!);
      }
      return this.trySend(text);
    };
    if (!isMethodName(frame.method) || this.handlers[frame.method] === undefined) {
      reply({
        ok: false,
        error: { code: 'unknown_method', message: `this peer does not serve ${frame.method}` },
      });
      return;
    }
    const method = frame.method;
    const parsed =
      frame.params === undefined ? undefined : METHODS[method].params.safeParse(frame.params);
    if (!parsed?.success) {
      const issues = parsed
        ? toFieldIssues(parsed.error)
        : [{ path: 'params', message: 'required; send {} for a method that takes no params' }];
      reply({
        ok: false,
        error: {
          code: 'bad_params',
          message: `bad ${method} params: ${formatFieldIssues(issues)}`,
          details: { issues },
        },
      });
      return;
    }
    try {
      const handler = this.handlers[method] as (p: unknown, c: unknown) => unknown;
      const result = await handler(parsed.data, {
        peer: this,
        maxResultBytes: this.transport.maxMessageSize - 512,
      });
      reply({ ok: true, result });
    } catch (error) {
      const wire = toWireError(error, method);
      if (!isTrainwireError(error) || error.code !== wire.code) {
        this.problems.next({
          direction: 'handler-failed',
          code: wire.code,
          message: `${method}: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
      reply({ ok: false, error: { ...wire, message: wire.message.slice(0, 8192) } });
    }
  }

  private trySend(text: string): boolean {
    try {
      this.transport.send(text);
      return true;
    } catch (error) {
      if (isTrainwireError(error, 'message_too_large')) {
        const message = (error as Error).message;
        this.problems.next({ direction: 'send-failed', code: 'message_too_large', message });
      }
      return false;
    }
  }
}

const RETRYABLE = new Set(['request_timeout', 'transport_not_open']);

/** A request in a user's words ("the request for the job list"), for messages a user reads. */
const REQUEST_WORDS: Record<MethodName, string> = {
  'worker.info': 'the request for its details',
  'job.start': 'the request to start the job',
  'job.attach': 'the request to follow the job',
  'job.events': "the request for the job's events",
  'job.stop': 'the request to stop the job',
  'job.cancel': 'the request to cancel the job',
  'job.list': 'the request for its jobs',
  'paths.check': 'the check of the input paths',
  'mounts.list': 'the request for its shared folders',
  'paths.list': 'the request to list a folder',
  'paths.find': 'the search for a file',
  'file.download': 'a download',
  'upload.begin': 'the start of an upload',
  'upload.finish': 'the end of an upload',
  'experiment.list': 'the request for its experiments',
  'experiment.get': 'the request for the experiment',
  'experiment.create': 'the request to create the experiment',
  'experiment.rename': 'the request to rename the experiment',
  'experiment.tag': 'the request to tag the experiment',
  'experiment.delete': 'the request to delete the experiment',
  'experiment.continue': 'the request to continue the experiment',
  'experiment.retry': 'the request to retry the experiment',
  'experiment.lineage': "the request for the experiment's lineage",
  'model.register': 'the request to register the model',
  'model.list': 'the request for its models',
  'model.activate': 'the request to activate the model',
  'model.delete': 'the request to delete the model version',
  'model.subscribe': 'the subscription to model changes',
  'artifact.list': 'the request for its artifacts',
  'artifact.get': 'the request for the artifact',
  'artifact.rename': 'the request to rename the artifact',
  'artifact.delete': 'the request to delete the artifact',
  'preset.list': 'the request for its presets',
  'worker.readiness': 'the readiness check',
  'dataset.generate': 'the request to generate the dataset',
};

function describeRequest(method: MethodName): string {
  return REQUEST_WORDS[method];
}
