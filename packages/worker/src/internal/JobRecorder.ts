import {
  isFinalJobState,
  type JobError,
  type JobStage,
  type JobState,
  type NewJobEvent,
} from '@trainwire/core';
import type { ExperimentStore } from '../store/ExperimentStore.js';
import type { SqliteJobStore } from '../store/SqliteJobStore.js';
import { type DiskSpace, isDiskFull } from './DiskSpace.js';
import type { WorkerEventHub } from './WorkerEventHub.js';

/** What a recorder writes to. */
export interface JobRecorderDeps {
  hub: WorkerEventHub;
  jobs: SqliteJobStore;
  experiments: ExperimentStore;
  now: () => number;
  space: DiskSpace;
}

/** What a state event may say besides the state. */
export interface StateExtra {
  reason?: string;
  exitCode?: number | null;
  error?: JobError;
  /** The pipeline stage the state belongs to. */
  stage?: JobStage;
}

/** Events held while the store cannot take them, written (if they fit) before the end. */
const MAX_UNWRITTEN = 500;
/** A final record that did not fit is tried again this often (nothing else can end the job). */
const FINAL_RETRY_MS = 2_000;

/**
 * Writes one job's events and states, each stored before it is pushed. A store write that
 * fails (a full disk, above all) is never thrown at the caller: `onFailure` hears of it
 * once, later events are held in memory, and {@link JobRecorder.finish} writes what still
 * fits, then the final state, in one transaction.
 */
export class JobRecorder {
  /** Events that could not be recorded at all. */
  private lost = 0;
  private failed = false;
  private pending: NewJobEvent[] = [];
  private unwritten: NewJobEvent[] = [];

  constructor(
    private readonly deps: JobRecorderDeps,
    private readonly jobId: string,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** True once a write failed: until the end, events are only held. */
  get storeDown(): boolean {
    return this.failed;
  }

  /**
   * Runs a store write; false (and `onFailure`) when it failed. A write that found the disk
   * full is tried once more after the store gave its write-ahead log back.
   */
  write(fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (error) {
      if (isDiskFull(error) && this.retryCompacted(fn)) return true;
      const first = !this.failed;
      this.failed = true;
      if (first) this.onFailure(error);
      return false;
    }
  }

  /**
   * Progress and output arrive in bursts: they are queued and written in one transaction
   * per tick (each is still stored before it is pushed), which keeps ingest ahead of a
   * fast trainer.
   */
  emitSoon(event: NewJobEvent): void {
    this.pending.push(event);
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  /** Writes what {@link JobRecorder.emitSoon} queued. */
  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (this.failed || !this.write(() => this.emitAll(batch))) this.hold(batch);
  }

  /** Sets a state that is not final (`running`, `stopping`). */
  setState(state: JobState, extra: StateExtra = {}): void {
    if (this.isFinal() || this.failed) return;
    this.flush();
    this.write(() =>
      this.deps.hub.transaction(() => {
        this.deps.jobs.updateJob(this.jobId, { state });
        this.deps.hub.emit(this.jobId, { type: 'state', state, ...extra });
      }),
    );
  }

  /**
   * Records the final state in one transaction: the job row, its last event, the
   * experiment. Events held while the store was failing go first if they still fit; the
   * error counts those that did not (`details.unrecordedEvents`).
   */
  finish(state: 'completed' | 'failed' | 'cancelled', extra: StateExtra): void {
    if (this.isFinal()) return;
    const { deps, jobId } = this;
    const held = [...this.unwritten, ...this.pending];
    this.unwritten = [];
    this.pending = [];
    try {
      if (held.length > 0) this.emitAll(held);
    } catch {
      this.lost += held.length;
    }
    const error =
      extra.error && this.lost > 0
        ? { ...extra.error, details: { ...extra.error.details, unrecordedEvents: this.lost } }
        : extra.error;
    const record = () =>
      deps.hub.transaction(() => {
        deps.jobs.updateJob(jobId, {
          state,
          endedAt: deps.now(),
          ...(extra.exitCode !== undefined ? { exitCode: extra.exitCode } : {}),
          ...(error ? { error: { code: error.code, message: error.message } } : {}),
        });
        deps.hub.emit(jobId, { type: 'state', state, ...extra, ...(error ? { error } : {}) });
        deps.experiments.setStatus(jobId, state);
      });
    try {
      record();
    } catch (first) {
      if (isDiskFull(first)) deps.space.makeRoom();
      try {
        record();
      } catch {
        // Not even that made room: tried again until the disk has space, since a client
        // waits for this event.
        setTimeout(() => this.finish(state, extra), FINAL_RETRY_MS).unref();
      }
    }
  }

  /** True once the job has a final state (or the store is closed: nothing is left to do). */
  isFinal(): boolean {
    try {
      const record = this.deps.jobs.getJob(this.jobId);
      return record === undefined || isFinalJobState(record.state);
    } catch {
      return true;
    }
  }

  private retryCompacted(fn: () => void): boolean {
    this.deps.space.tryCompact();
    try {
      fn();
      return true;
    } catch {
      return false;
    }
  }

  private emitAll(events: readonly NewJobEvent[]): void {
    this.deps.hub.transaction(() => {
      for (const event of events) this.deps.hub.emit(this.jobId, event);
    });
  }

  private hold(events: readonly NewJobEvent[]): void {
    const room = Math.max(0, MAX_UNWRITTEN - this.unwritten.length);
    this.unwritten.push(...events.slice(0, room));
    this.lost += Math.max(0, events.length - room);
  }
}
