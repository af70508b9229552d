import { BehaviorSubject, type SchedulerLike, type Subscription } from 'rxjs';
import { isTrainwireError } from '../errors.js';
import type { JobSession } from '../JobSession.js';
import type { JobLink, WorkerLinkState, WorkerLinkStatus } from '../JobSnapshot.js';
import { RpcPeer, type RpcPeerOptions } from '../protocol/RpcPeer.js';
import type { JobEvent } from '../schemas/JobEvent.js';
import { isFinalJobState } from '../schemas/JobState.js';
import type { Transport } from '../Transport.js';

/** How a {@link WorkerTarget} watches its worker. */
export interface WorkerWatchOptions {
  /** How often the worker is asked for a sign of life when it has said nothing, ms. */
  heartbeatIntervalMs: number;
  /** Silence after which the worker counts as unreachable, ms. */
  heartbeatTimeoutMs: number;
  /** How long an unreachable worker is tried again before its sessions are `lost`, ms. */
  reconnectForMs: number;
  /** Opens a new link to the same worker after its link closed; absent: none is tried. */
  reconnect: ((lost: Transport) => Promise<Transport>) | undefined;
  rpc: RpcPeerOptions;
  scheduler: SchedulerLike;
}

/**
 * One worker as the job manager sees it: the RPC connection, the sessions of its jobs,
 * and a watch on the link. While a job of it is live, the worker is asked for a sign of
 * life when it is silent; past the heartbeat timeout (or when its transport closes) every
 * live session shows `unreachable`, the link is re-opened where a `reconnect` was given,
 * and when the worker answers again each job is attached again and caught up. After
 * `reconnectForMs` without an answer the sessions are `lost`.
 */
export class WorkerTarget {
  transport: Transport;
  peer: RpcPeer;
  readonly link: JobLink;
  readonly sessions = new Map<string, JobSession>();
  readonly active = new BehaviorSubject(0);
  /** The worker's name once it said it (`worker.info`); its transport id until then. */
  name: string;

  private status: WorkerLinkStatus = 'connected';
  private since: number | null = null;
  private reason: string | null = null;
  private subscriptions: Subscription[] = [];
  private heartbeat: Subscription | undefined;
  private reconnectTimer: Subscription | undefined;
  private probing = false;
  private closed = false;
  private reconnecting = false;
  private reconnectAttempts = 0;
  private disposed = false;

  constructor(
    transport: Transport,
    private readonly options: WorkerWatchOptions,
    /** Called when a new transport replaces the lost one (the manager indexes by it). */
    private readonly onReplaced: (next: Transport) => void,
  ) {
    this.transport = transport;
    this.name = transport.id;
    this.peer = this.bind(transport);
    const fetchEvents: JobLink['fetchEvents'] = async (jobId, afterSeq, untilSeq) => {
      const all: JobEvent[] = [];
      let after = afterSeq;
      for (;;) {
        const page = await this.peer.request(
          'job.events',
          untilSeq === undefined
            ? { jobId, afterSeq: after }
            : { jobId, afterSeq: after, untilSeq },
        );
        all.push(...page.events);
        const last = page.events[page.events.length - 1];
        if (!page.more || last === undefined) return all;
        after = last.seq;
      }
    };
    this.link = {
      fetchEvents,
      stop: async (jobId) => {
        await this.peer.request('job.stop', { jobId });
      },
      cancel: async (jobId) => {
        await this.peer.request('job.cancel', { jobId });
      },
    };
    this.askInfo();
  }

  /** The link state a new session of this worker starts with. */
  linkState(): WorkerLinkState {
    return { status: this.status, worker: this.name, since: this.since, reason: this.reason };
  }

  /** Starts following `session` (and the heartbeat, if it is the first live one). */
  add(session: JobSession): void {
    if (this.status === 'lost') {
      // A new job for a worker given up on: try it again from now.
      this.setStatus('unreachable', `no answer from worker ${this.name} yet`);
      if (this.closed) this.tryReconnect();
    }
    this.sessions.set(session.jobId, session);
    this.active.next(this.active.getValue() + 1);
    session.setConnection(this.linkState());
    this.startHeartbeat();
  }

  /** A session ended on this client. */
  removed(): void {
    this.active.next(this.active.getValue() - 1);
    if (this.liveSessions().length === 0) this.stopHeartbeat();
  }

  dispose(): void {
    this.disposed = true;
    this.stopHeartbeat();
    this.reconnectTimer?.unsubscribe();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const session of this.sessions.values()) session.detach();
    this.peer.dispose();
  }

  private bind(transport: Transport): RpcPeer {
    const peer = new RpcPeer(transport, this.options.rpc);
    let before = 'connecting';
    this.subscriptions.push(
      peer.events$.subscribe((event) => this.sessions.get(event.jobId)?.ingest(event)),
      peer.heard$.subscribe(() => {
        if (this.status === 'unreachable' && !this.reconnecting) this.backOnline();
      }),
      peer.problems$.subscribe((problem) => {
        for (const session of this.liveSessions())
          session.noteProblem({ code: problem.code, message: problem.message });
      }),
      transport.status$.subscribe((now) => {
        const was = before;
        before = now;
        if (this.transport !== transport || this.disposed) return;
        if (now === 'reconnecting' && this.status === 'connected')
          this.setStatus('reconnecting', `the link to worker ${this.name} dropped; reconnecting`);
        else if (now === 'open' && was === 'reconnecting') this.backOnline();
        else if (now === 'closed') {
          this.closed = true;
          this.linkClosed();
        }
      }),
    );
    return peer;
  }

  /** Sessions still following their job on this client. */
  private liveSessions(): JobSession[] {
    return [...this.sessions.values()].filter((s) => {
      const { state, connection } = s.getSnapshot();
      return !isFinalJobState(state) && connection.status !== 'lost';
    });
  }

  private setStatus(status: WorkerLinkStatus, reason: string | null): void {
    if (this.status !== status) this.since = this.options.scheduler.now();
    this.status = status;
    this.reason = reason;
    const state = this.linkState();
    for (const session of this.liveSessions()) session.setConnection(state);
  }

  private startHeartbeat(): void {
    if (this.heartbeat !== undefined || this.disposed) return;
    const { scheduler, heartbeatIntervalMs } = this.options;
    const next = () => {
      this.heartbeat = scheduler.schedule(() => {
        this.check();
        if (this.heartbeat !== undefined) next();
      }, heartbeatIntervalMs);
    };
    next();
  }

  private stopHeartbeat(): void {
    this.heartbeat?.unsubscribe();
    this.heartbeat = undefined;
  }

  /** One heartbeat: ask a silent worker for a sign of life; past the timeout, say so. */
  private check(): void {
    const { scheduler, heartbeatIntervalMs, heartbeatTimeoutMs, reconnectForMs } = this.options;
    if (this.liveSessions().length === 0) {
      this.stopHeartbeat();
      return;
    }
    const silentMs = scheduler.now() - this.peer.lastHeardAt;
    if (silentMs >= heartbeatIntervalMs && !this.probing) this.probe();
    if (this.status === 'unreachable') {
      if (this.since !== null && scheduler.now() - this.since >= reconnectForMs) this.giveUp();
      return;
    }
    if (silentMs >= heartbeatTimeoutMs) {
      this.setStatus(
        'unreachable',
        `no word from worker ${this.name} for ${Math.round(silentMs / 1000)} s`,
      );
    }
  }

  /**
   * Any answer (or error frame) proves the worker is there; `heard$` sees it. Each live
   * job also asks for events after its last one: a lost final event is found this way.
   */
  private probe(): void {
    for (const session of this.liveSessions()) if (reachedWorker(session)) session.resync();
    this.askInfo();
  }

  /** Asks `worker.info` (one at a time): a sign of life, and the worker's name. */
  private askInfo(): void {
    if (this.probing) return;
    const peer = this.peer;
    this.probing = true;
    peer
      .request('worker.info', {})
      .then((info) => {
        if (info.name === this.name) return;
        this.name = info.name;
        this.setStatus(this.status, this.reason);
      })
      .catch(() => undefined)
      .finally(() => {
        if (this.peer === peer) this.probing = false;
      });
  }

  /** The worker answers again: attach each live job again and fetch what was missed. */
  private backOnline(): void {
    if (this.disposed) return;
    this.reconnectTimer?.unsubscribe();
    this.reconnectAttempts = 0;
    this.setStatus('connected', null);
    this.since = null;
    for (const session of this.liveSessions()) {
      if (!reachedWorker(session)) continue;
      const { lastSeq } = session.getSnapshot();
      this.peer
        .request('job.attach', { jobId: session.jobId, afterSeq: lastSeq })
        .then(() => session.resync())
        .catch((error: unknown) => {
          if (isTrainwireError(error, 'unknown_job')) {
            session.setLocal({
              state: 'failed',
              error: {
                code: 'job_lost',
                message: `worker ${this.name} came back without job ${session.jobId} (restarted with another data directory?); its files may still be in the old one`,
              },
            });
          } else {
            session.noteProblem({ code: 'reattach_failed', message: (error as Error).message });
          }
        });
    }
  }

  private linkClosed(): void {
    if (this.liveSessions().length === 0) return;
    if (this.status !== 'unreachable')
      this.setStatus('unreachable', `the link to worker ${this.name} closed`);
    this.tryReconnect();
  }

  /** Opens a new link through `reconnect`, with backoff, until `reconnectForMs` passes. */
  private tryReconnect(): void {
    const { reconnect, scheduler } = this.options;
    if (reconnect === undefined || this.reconnecting || this.disposed) return;
    this.reconnecting = true;
    const lost = this.transport;
    reconnect(lost)
      .then((next) => {
        this.reconnecting = false;
        if (this.disposed) {
          void next.close();
          return;
        }
        this.replace(next);
      })
      .catch((error: unknown) => {
        this.reconnecting = false;
        if (this.disposed || this.status !== 'unreachable') return;
        const final = finalRefusal(error);
        if (final !== undefined) {
          // Trying again cannot help (a revoked credential): say so now, not in 10 min.
          this.giveUp(`worker ${this.name} cannot be reached again: ${final}`);
          return;
        }
        const delay = Math.min(10_000, 1_000 * 2 ** this.reconnectAttempts++);
        this.reconnectTimer = scheduler.schedule(() => this.tryReconnect(), delay);
      });
  }

  private replace(next: Transport): void {
    const old = this.peer;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions = [];
    old.dispose();
    this.transport = next;
    this.closed = false;
    this.peer = this.bind(next);
    this.probing = false;
    this.onReplaced(next);
    this.askInfo();
    this.backOnline();
  }

  private giveUp(reason?: string): void {
    const seconds = Math.round(this.options.reconnectForMs / 1000);
    this.reconnectTimer?.unsubscribe();
    this.setStatus(
      'lost',
      `${reason ?? `gave up on worker ${this.name} after ${seconds} s without an answer`}; the job may still be running there`,
    );
    this.stopHeartbeat();
  }
}

/** True once the job reached the worker (started there, or attached): it can be caught up. */
function reachedWorker(session: JobSession): boolean {
  const { submitStep, lastSeq } = session.getSnapshot();
  return submitStep === null || lastSeq > 0;
}

/** Codes after which reconnecting cannot succeed: the credential itself was refused. */
const FINAL_CODES = new Set(['credential_revoked', 'auth_failed']);

/** The message of a refusal that makes retrying pointless, looking through `cause`s. */
function finalRefusal(error: unknown): string | undefined {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && FINAL_CODES.has(code))
      return typeof message === 'string' ? message : code;
    e = cause;
  }
  return undefined;
}
