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
}
