import {
  asyncScheduler,
  BehaviorSubject,
  distinctUntilChanged,
  interval,
  map,
  merge,
  type Observable,
  type SchedulerLike,
  Subject,
  type Subscription,
  startWith,
  takeUntil,
} from 'rxjs';
import { type Eta, EtaEstimator } from './EtaEstimator.js';
import { BatchLog } from './internal/BatchLog.js';
import { ItemMeter } from './internal/ItemMeter.js';
import type { BestMetric, EpochRecord, JobProgress } from './JobProgress.js';
import { isLowerBetter } from './JobProgress.js';
import type {
  JobLink,
  JobSnapshot,
  LogLine,
  SessionStats,
  SubmitStep,
  WorkerLinkState,
} from './JobSnapshot.js';
import { isNewStage, type StageResult } from './JobStages.js';
import { trainLoss } from './metrics.js';
import type { Artifact } from './schemas/Artifact.js';
import type { JobError, JobEvent } from './schemas/JobEvent.js';
import type { JobSpec } from './schemas/JobSpec.js';
import { isFinalJobState, type JobState } from './schemas/JobState.js';
import type { JobStage } from './schemas/StageSpec.js';
import type { TransferProgress } from './TransferProgress.js';
import type { ConfigIssue } from './validation/ConfigProfile.js';

/** How a {@link JobSession} is created (by `JobManager`, or by hand in tests). */
export interface JobSessionInit {
  jobId: string;
  spec: JobSpec;
  link: JobLink;
  totalEpochs?: number;
  scheduler?: SchedulerLike;
  /** The worker's name, for the connection state (its transport id by default). */
  workerName?: string;
  /** How many log lines the snapshot keeps. */
  logTail?: number;
  /** How many batch losses the snapshot keeps (`batches`), the newest; 10 000 by default, 0 for none. */
  batchHistory?: number;
  /** How often `eta$` re-counts while an epoch runs. */
  etaTickMs?: number;
  /** A pipeline's epochs per stage (from each stage's config), by stage index. */
  stageTotalEpochs?: readonly (number | undefined)[];
}

const PENDING_LIMIT = 10_000;
const REPAIR_RETRY_MS = 1_000;

/**
 * One job as a client sees it: its state, events, progress, logs and ETA as RxJS streams,
 * and as `getSnapshot()` / `subscribe()` for React.
 *
 * Events carry a per-job `seq`. The session applies each exactly once and in order: a
 * duplicate is dropped, a gap makes it ask the worker for the missing range, and after a
 * reconnection {@link JobSession.resync} fetches whatever was missed.
 *
 * @example
 * ```ts
 * const session = await manager.submit({ profile: 'builtin', config: { epochs: 5 } });
 * session.progress$.subscribe((p) => console.log(`${p.completedEpochs}/${p.totalEpochs}`));
 * await session.done;
 * ```
 */
export class JobSession {
  readonly jobId: string;
  /** The job's state; replays the current one. */
  readonly state$: Observable<JobState>;
  /** The worker's events, in `seq` order, each once. */
  readonly events$: Observable<JobEvent>;
  /** Progress; replays the current one, changes at each epoch. */
  readonly progress$: Observable<JobProgress>;
  /** Output lines as they arrive. */
  readonly logs$: Observable<LogLine>;
  /** Estimated time left; re-counted at each epoch and every `etaTickMs` while running. */
  readonly eta$: Observable<Eta | null>;
  /** Problems that did not end the job: malformed frames, failed repairs. */
  readonly problems$: Observable<JobError>;
  /** Resolves with the final snapshot once the job is completed, failed or cancelled. */
  readonly done: Promise<JobSnapshot>;

  private readonly link: JobLink;
  private readonly scheduler: SchedulerLike;
  private readonly logTail: number;
  private readonly stateSubject: BehaviorSubject<JobState>;
  private readonly eventsSubject = new Subject<JobEvent>();
  private readonly progressSubject: BehaviorSubject<JobProgress>;
  private readonly logsSubject = new Subject<LogLine>();
  private readonly problemsSubject = new Subject<JobError>();
  private readonly etaChanged = new Subject<void>();
  private readonly finished = new Subject<void>();
  private readonly listeners = new Set<() => void>();
  private estimator: EtaEstimator;
  private readonly pending = new Map<number, JobEvent>();
  private resolveDone!: (snapshot: JobSnapshot) => void;

  private currentSpec: JobSpec;
  private lastSeq = 0;
  private lastTs = 0;
  private startedTs: number | null = null;
  private lastReceivedAt = 0;
  private batch: number | null = null;
  private batchLog: BatchLog;
  private readonly batchLimit: number;
  private readonly stageTotals: readonly (number | undefined)[];
  private stage: JobStage | null = null;
  private stages: readonly StageResult[] = [];
  private readonly items = new ItemMeter();
  private state: JobState = 'queued';
  private submitStep: SubmitStep | null = null;
  private error: JobError | null = null;
  private warnings: readonly ConfigIssue[] = [];
  private progress: JobProgress;
  private logs: readonly LogLine[] = [];
  private artifacts: readonly Artifact[] = [];
  private upload: TransferProgress | null = null;
  private readonly stats: SessionStats = { duplicates: 0, gapsRepaired: 0, malformed: 0 };
  private epochBeginTs = new Map<number, number>();
  private snapshot: JobSnapshot | null = null;
  private notifyQueued = false;
  private repairing = false;
  /** A resync asked for every event after the last one. */
  private wantTail = false;
  /** Set by {@link JobSession.detach}: the link is gone for good, stop asking it. */
  private detached = false;
  private retryTimer: Subscription | undefined;
  private connection: WorkerLinkState;

  constructor(init: JobSessionInit) {
    this.jobId = init.jobId;
    this.currentSpec = init.spec;
    this.link = init.link;
    this.scheduler = init.scheduler ?? asyncScheduler;
    this.logTail = init.logTail ?? 200;
    this.batchLimit = init.batchHistory ?? 10_000;
    this.batchLog = new BatchLog(this.batchLimit);
    this.stageTotals = init.stageTotalEpochs ?? [];
    this.connection = {
      status: 'connected',
      worker: init.workerName ?? 'the worker',
      since: null,
      reason: null,
    };
    this.estimator = new EtaEstimator(init.totalEpochs);
    this.progress = freshProgress(init.totalEpochs);
    this.stateSubject = new BehaviorSubject<JobState>(this.state);
    this.progressSubject = new BehaviorSubject<JobProgress>(this.progress);
    this.state$ = this.stateSubject.pipe(distinctUntilChanged());
    this.events$ = this.eventsSubject.asObservable();
    this.progress$ = this.progressSubject.asObservable();
    this.logs$ = this.logsSubject.asObservable();
    this.problems$ = this.problemsSubject.asObservable();
    const tickMs = init.etaTickMs ?? 1_000;
    this.eta$ = merge(this.etaChanged, interval(tickMs, this.scheduler)).pipe(
      startWith(undefined),
      takeUntil(this.finished),
      map(() => this.currentEta()),
      distinctUntilChanged(sameEta),
    );
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** What the job runs: the spec as submitted, with uploaded inputs' worker paths once known. */
  get spec(): JobSpec {
    return this.currentSpec;
  }

  /** The current snapshot; the same object until something changes. */
  getSnapshot = (): JobSnapshot => {
    if (this.snapshot === null) {
      this.snapshot = {
        jobId: this.jobId,
        spec: this.currentSpec,
        state: this.state,
        submitStep: this.submitStep,
        error: this.error,
        warnings: this.warnings,
        progress: this.progress,
        batch: this.batch,
        batches: this.batchLog.view(),
        eta: this.currentEta(),
        logs: this.logs,
        artifacts: this.artifacts,
        stage: this.stage,
        stages: this.stages,
        items: this.items.progress,
        upload: this.upload,
        lastSeq: this.lastSeq,
        startedTs: this.startedTs,
        lastEventTs: this.lastTs,
        stats: { ...this.stats },
        connection: this.connection,
      };
    }
    return this.snapshot;
  };

  /** Calls `listener` after changes (bursts are batched into one call); returns unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Asks the trainer to finish its epoch, save a checkpoint, and end (`completed`). */
  async stop(): Promise<void> {
    if (isFinalJobState(this.state)) return;
    await this.link.stop(this.jobId);
  }

  /** Ends the job now (`cancelled`). */
  async cancel(): Promise<void> {
    if (isFinalJobState(this.state)) return;
    await this.link.cancel(this.jobId);
  }

  /**
   * Takes one event from the worker: applied if it is the next `seq`, dropped if seen,
   * held (and the gap repaired) if it comes early.
   */
  ingest(event: JobEvent): void {
    const seq = event.seq;
    if (seq === this.lastSeq + 1) {
      // The hot path: the next event, in order.
      this.apply(event);
      if (this.pending.size > 0) this.drain();
      return;
    }
    if (seq <= this.lastSeq || this.pending.has(seq)) {
      this.stats.duplicates++;
      this.changed();
      return;
    }
    if (this.pending.size < PENDING_LIMIT) this.pending.set(seq, event);
    this.repair();
  }

  /** Fetches every event after the last one seen (after a reconnection). */
  resync(): void {
    this.wantTail = true;
    this.repair();
  }

  /** Records a protocol problem seen on the job's connection. */
  noteProblem(problem: JobError): void {
    this.stats.malformed++;
    this.problemsSubject.next(problem);
    this.changed();
  }

  /** @internal Used by `JobManager` while the job is still on the client. */
  setLocal(patch: {
    spec?: JobSpec;
    state?: JobState;
    submitStep?: SubmitStep | null;
    error?: JobError;
    warnings?: readonly ConfigIssue[];
    upload?: TransferProgress | null;
  }): void {
    if (patch.spec !== undefined) this.currentSpec = patch.spec;
    if (patch.submitStep !== undefined) this.submitStep = patch.submitStep;
    if (patch.warnings !== undefined) this.warnings = patch.warnings;
    if (patch.upload !== undefined) this.upload = patch.upload;
    if (patch.error !== undefined) this.error = patch.error;
    // A finished job stays finished (a pipeline step may still be unwinding).
    if (patch.state !== undefined && patch.state !== this.state && !isFinalJobState(this.state)) {
      this.setState(patch.state);
    }
    this.changed();
    if (isFinalJobState(this.state) && this.pending.size === 0) this.finish();
  }

  /**
   * @internal Used by `JobManager`, which watches the worker's link. `lost` ends the
   * session on this client (`done` resolves) with the job's last known state.
   */
  setConnection(connection: WorkerLinkState): void {
    if (this.finished.closed) return;
    const now = this.connection;
    if (
      now.status === connection.status &&
      now.worker === connection.worker &&
      now.reason === connection.reason
    )
      return;
    this.connection = connection;
    this.changed();
    if (connection.status === 'lost') {
      this.detach();
      this.finish();
    }
  }

  private drain(): void {
    let next = this.pending.get(this.lastSeq + 1);
    while (next !== undefined) {
      this.pending.delete(next.seq);
      this.apply(next);
      next = this.pending.get(this.lastSeq + 1);
    }
    // Not dead code: a subscriber that calls `ingest` from inside `apply` can apply a held
    // seq on the in-order path; drop it here or it stays held (and blocks `finish()`).
    for (const seq of this.pending.keys()) if (seq <= this.lastSeq) this.pending.delete(seq);
  }

  /**
   * Fetches what is missing: first the gap before the earliest held event (bounded), then
   * — when a resync asked for it — everything after the last event (unbounded). One fetch
   * at a time; each one's end starts the next, so no request for the tail is ever lost.
   */
  private repair(): void {
    if (this.repairing || this.detached) return;
    const gapEnd = this.pending.size > 0 ? Math.min(...this.pending.keys()) - 1 : undefined;
    if (gapEnd === undefined && !this.wantTail) return;
    if (gapEnd === undefined && isFinalJobState(this.state)) {
      this.wantTail = false;
      return;
    }
    const tail = gapEnd === undefined;
    if (tail) this.wantTail = false;
    this.repairing = true;
    const before = this.lastSeq;
    this.link
      .fetchEvents(this.jobId, before, gapEnd)
      .then((events) => {
        this.repairing = false;
        for (const event of events) this.ingest(event);
        const progressed = this.lastSeq > before;
        if (progressed && !tail) this.stats.gapsRepaired++;
        // A gap the worker could not fill yet (events not stored yet): ask again later.
        if (!progressed && !tail) this.retryLater();
        else this.repair();
      })
      .catch((error: unknown) => {
        this.repairing = false;
        if (tail) this.wantTail = true;
        this.noteProblem({
          code: 'repair_failed',
          message: `could not fetch missed events after #${before}: ${(error as Error).message}`,
        });
        this.retryLater();
      });
  }

  private retryLater(): void {
    this.retryTimer?.unsubscribe();
    this.retryTimer = this.scheduler.schedule(() => this.repair(), REPAIR_RETRY_MS);
  }

  /**
   * Stops asking the worker for missed events, for a session whose link is gone for good
   * (`JobManager.dispose()` does this): no retry timer outlives it. The session keeps
   * what it has; its state does not change.
   */
  detach(): void {
    this.detached = true;
    this.retryTimer?.unsubscribe();
  }

  private apply(event: JobEvent): void {
    this.lastSeq = event.seq;
    this.lastTs = event.ts;
    this.lastReceivedAt = this.scheduler.now();
    if (isNewStage(this.stage, event.stage)) this.enterStage(event.stage!);
    switch (event.type) {
      case 'state':
        if (event.state === 'running' && this.startedTs === null) this.startedTs = event.ts;
        if (event.error !== undefined) this.error = event.error;
        this.setState(event.state);
        break;
      case 'progress':
        this.applyProgress(event);
        break;
      case 'log':
        this.applyLog(event);
        break;
      case 'artifact':
        this.artifacts = this.artifacts.concat(event.artifact);
        break;
      case 'error':
        this.error = event.error;
        break;
    }
    this.eventsSubject.next(event);
    this.changed();
    if (event.type === 'state' && isFinalJobState(this.state) && this.pending.size === 0) {
      this.finish();
    }
  }

  /**
   * A pipeline moved to another stage: the one before is kept in `stages`, and progress,
   * ETA and batch history start over, so a chart restarts per stage.
   */
  private enterStage(stage: JobStage): void {
    if (this.stage !== null) {
      this.stages = this.stages.concat({ stage: this.stage, progress: this.progress });
    }
    this.stage = stage;
    const total = this.stageTotals[stage.index];
    this.estimator = new EtaEstimator(total);
    this.batchLog = new BatchLog(this.batchLimit);
    this.epochBeginTs = new Map();
    this.batch = null;
    this.setProgress(freshProgress(total));
  }

  private applyProgress(event: Extract<JobEvent, { type: 'progress' }>): void {
    const message = event.progress;
    switch (message.event) {
      case 'train_begin':
        if (message.total_epochs !== undefined) {
          this.estimator.setTotal(message.total_epochs);
          this.setProgress({ ...this.progress, totalEpochs: message.total_epochs });
        }
        return;
      case 'epoch_begin':
        this.epochBeginTs.set(message.epoch, event.ts);
        this.estimator.epochBegan(message.epoch, event.ts);
        this.batch = null;
        this.setProgress({
          ...this.progress,
          currentEpoch: message.epoch,
          startEpoch: this.progress.startEpoch ?? message.epoch,
        });
        return;
      case 'batch_end':
        if (message.items_done !== undefined) {
          this.items.update(message.items_done, message.items_total, event.ts);
        }
        // Snapshot only, no copy: a batch stream is too fast to re-emit progress for.
        this.batch = message.batch;
        this.batchLog.add(
          message.epoch ?? this.progress.currentEpoch ?? 0,
          message.batch,
          trainLoss(message.logs),
        );
        return;
      case 'epoch_end':
        this.applyEpochEnd(message.epoch, message.logs, event.ts);
        return;
      case 'train_end':
        this.batch = null;
        this.setProgress({ ...this.progress, currentEpoch: null });
        return;
    }
  }

  private applyEpochEnd(epoch: number, logs: Record<string, number | null>, ts: number): void {
    const began = this.epochBeginTs.get(epoch);
    this.epochBeginTs.delete(epoch);
    const record: EpochRecord =
      began === undefined ? { epoch, logs } : { epoch, logs, durationMs: ts - began };
    const best: Record<string, BestMetric> = { ...this.progress.best };
    for (const [name, value] of Object.entries(logs)) {
      if (value === null || !Number.isFinite(value)) continue;
      const current = best[name];
      const better =
        current === undefined ||
        (isLowerBetter(name) ? value < current.value : value > current.value);
      if (better) best[name] = { value, epoch };
    }
    this.estimator.epochEnded(epoch, ts);
    this.batch = null;
    this.setProgress({
      ...this.progress,
      // By epoch number, so a resumed run counts from where it started.
      completedEpochs: Math.max(this.progress.completedEpochs, epoch + 1),
      startEpoch: this.progress.startEpoch ?? epoch,
      currentEpoch: null,
      latest: logs,
      best,
      history: this.progress.history.concat(record),
    });
  }

  private applyLog(event: Extract<JobEvent, { type: 'log' }>): void {
    const line: LogLine = {
      seq: event.seq,
      ts: event.ts,
      stream: event.stream,
      line: event.line,
      replace: event.replace === true,
    };
    let tail = this.logs;
    if (line.replace) {
      const index = tail.findLastIndex((l) => l.stream === line.stream);
      if (index >= 0 && tail[index]!.replace)
        tail = tail.slice(0, index).concat(tail.slice(index + 1));
    }
    tail = tail.length >= this.logTail ? tail.slice(tail.length - this.logTail + 1) : tail;
    this.logs = tail.concat(line);
    this.logsSubject.next(line);
  }

  private setProgress(progress: JobProgress): void {
    this.progress = progress;
    this.progressSubject.next(progress);
    this.etaChanged.next();
  }

  private setState(state: JobState): void {
    this.state = state;
    this.stateSubject.next(state);
    this.etaChanged.next();
  }

  private currentEta(): Eta | null {
    if (this.state !== 'running' && this.state !== 'stopping') return null;
    // Durations are on the worker's clock; carry its clock forward by local time passed
    // since the last event, so clock skew and replayed bursts do not matter.
    const workerNow = this.lastTs + (this.scheduler.now() - this.lastReceivedAt);
    return this.estimator.estimate(workerNow);
  }

  private changed(): void {
    this.snapshot = null;
    if (this.notifyQueued || this.listeners.size === 0) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const listener of this.listeners) listener();
    });
  }

  private finish(): void {
    if (this.finished.closed) return;
    const snapshot = this.getSnapshot();
    this.finished.next();
    this.finished.complete();
    this.stateSubject.complete();
    this.eventsSubject.complete();
    this.progressSubject.complete();
    this.logsSubject.complete();
    this.resolveDone(snapshot);
  }
}

function freshProgress(totalEpochs: number | undefined): JobProgress {
  return {
    completedEpochs: 0,
    startEpoch: null,
    currentEpoch: null,
    totalEpochs: totalEpochs ?? null,
    latest: {},
    best: {},
    history: [],
  };
}

function sameEta(a: Eta | null, b: Eta | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    Math.round(a.remainingMs / 1000) === Math.round(b.remainingMs / 1000) &&
    a.epochsLeft === b.epochsLeft
  );
}
