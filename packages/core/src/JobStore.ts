import type { JobEvent } from './schemas/JobEvent.js';
import type { JobSpec } from './schemas/JobSpec.js';
import type { JobState } from './schemas/JobState.js';

/** A job as a worker keeps it. */
export interface JobRecord {
  jobId: string;
  spec: JobSpec;
  state: JobState;
  workerId: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  exitCode?: number | null;
  error?: { code: string; message: string };
  /** Highest `seq` stored for the job. */
  lastSeq: number;
}

/**
 * Port of the worker's job store: jobs and their numbered events, kept as they happen.
 * `@trainwire/worker` implements it with SQLite; `@trainwire/core/testing` has an
 * in-memory one.
 */
export interface JobStore {
  createJob(record: Omit<JobRecord, 'lastSeq'>): void;
  getJob(jobId: string): JobRecord | undefined;
  listJobs(): JobRecord[];
  updateJob(jobId: string, patch: Partial<Omit<JobRecord, 'jobId' | 'lastSeq'>>): void;
  /** Stores an event; `event.seq` must be `lastSeq + 1`. */
  appendEvent(event: JobEvent): void;
  /** Events with `afterSeq < seq <= untilSeq` (or to the end), in order. */
  eventsAfter(jobId: string, afterSeq: number, untilSeq?: number): JobEvent[];
  /**
   * Like `eventsAfter`, but only as many as fit `maxBytes` of JSON (at least one);
   * `more` when the range goes on. Serves `job.events` without loading a whole history.
   */
  page(jobId: string, afterSeq: number, untilSeq: number | undefined, maxBytes: number): EventPage;
  /** Highest `seq` stored for the job (0 when none, or no such job). */
  lastSeq(jobId: string): number;
}

/** One page of a job's events. */
export interface EventPage {
  events: JobEvent[];
  more: boolean;
}
