import type { Eta } from './EtaEstimator.js';
import type { JobProgress } from './JobProgress.js';
import type { StageResult } from './JobStages.js';
import type { Artifact } from './schemas/Artifact.js';
import type { JobError, JobEvent } from './schemas/JobEvent.js';
import type { JobSpec } from './schemas/JobSpec.js';
import type { JobState } from './schemas/JobState.js';
import type { JobStage } from './schemas/StageSpec.js';
import type { TransferProgress } from './TransferProgress.js';
import type { ConfigIssue } from './validation/ConfigProfile.js';

// The shapes a JobSession shows: its snapshot and what goes into it, and the link it
// talks to the worker through.

/** What a session needs from the connection to its worker. */
export interface JobLink {
  /** Events with `afterSeq < seq <= untilSeq` (to the end when `untilSeq` is absent). */
  fetchEvents(jobId: string, afterSeq: number, untilSeq?: number): Promise<JobEvent[]>;
  stop(jobId: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
}

/** Steps of the pre-submission pipeline, in order. */
export type SubmitStep = 'validate-config' | 'check-paths' | 'upload' | 'start';

/** A line of the trainer's output. */
export interface LogLine {
  seq: number;
  ts: number;
  stream: 'stdout' | 'stderr';
  line: string;
  /** A carriage-return update (tqdm): it replaced the stream's previous such line. */
  replace: boolean;
}

/** Counters a session keeps about what it received. */
export interface SessionStats {
  /** Events received twice and dropped. */
  duplicates: number;
  /** Gaps in `seq` repaired by asking the worker. */
  gapsRepaired: number;
  /** Malformed frames and other protocol problems seen while the job ran. */
  malformed: number;
}

/**
 * How the client's link to the job's worker stands, as a session sees it:
 * - `connected`: the worker answers.
 * - `reconnecting`: the transport is re-establishing a dropped link (events are caught up
 *   afterwards).
 * - `unreachable`: no word from the worker for the heartbeat timeout, or its link closed;
 *   the job may still be running there. The client keeps trying to reach it again.
 * - `lost`: the client gave up trying (`reconnectForMs` passed). The session is done on
 *   this client (`done` resolves) with the job's last known state; it may still be running
 *   on the worker, and attaching later shows how it ended.
 */
export type WorkerLinkStatus = 'connected' | 'reconnecting' | 'unreachable' | 'lost';

/** The link to the worker, with when and why it last changed. */
export interface WorkerLinkState {
  status: WorkerLinkStatus;
  /** The worker's name (its peer id until the worker said its name). */
  worker: string;
  /** When this status began, on the client's clock (ms); null for the first `connected`. */
  since: number | null;
  /** Why, in words a user reads ("no word from worker w1 for 30 s"); null when connected. */
  reason: string | null;
}

/** One batch's training loss, as a `batch_end` message reported it. */
export interface BatchPoint {
  /** The epoch it belongs to, 0-based (0 when the trainer did not say). */
  epoch: number;
  /** The batch within the epoch, 0-based. */
  batch: number;
  /** Its training loss under any of the usual names (`loss`, `train/loss`, …); always finite. */
  loss: number;
}

/**
 * The batch losses a session keeps: the last `batchHistory` points of the job (10 000 by
 * default; older ones are dropped), so a monitor that attaches late, or after a reload,
 * shows the batches the worker replays and not only those since. Non-finite losses are
 * not kept. Points are numbered from 0 in arrival order: `first` is the number of the
 * oldest one kept, `total` one past the newest.
 */
export interface BatchHistory {
  /** Batches recorded in all, the dropped ones included. */
  readonly total: number;
  /** Batches kept (at most the session's `batchHistory`). */
  readonly kept: number;
  /** The number of the oldest batch kept (`total - kept`). */
  readonly first: number;
  /**
   * The kept points numbered `from` and after, oldest first (from the oldest kept when
   * `from` is older): a chart that drew `n` points appends `since(n)`.
   */
  since(from: number): readonly BatchPoint[];
}

/**
 * A predict job's progress in items (frames, rows, images), from the trainer's
 * `batch_end` messages with `items_done` / `items_total`.
 */
export interface ItemProgress {
  done: number;
  /** Items in all, when the trainer said. */
  total: number | null;
  /** Items a second over the last 10 s of the worker's clock; null before two reports. */
  ratePerSec: number | null;
  /** Time left at that rate (ms); null while the total or the rate is unknown. */
  etaMs: number | null;
}

/** Everything about a job at one moment, for React (`useSyncExternalStore`) and the CLI. */
export interface JobSnapshot {
  jobId: string;
  spec: JobSpec;
  state: JobState;
  /** Pre-submission step in progress, or the one that failed. */
  submitStep: SubmitStep | null;
  error: JobError | null;
  /** Config-validation warnings (errors stop the job before it reaches a worker). */
  warnings: readonly ConfigIssue[];
  progress: JobProgress;
  /** Last batch reported in the current epoch. */
  batch: number | null;
  /** The last batch losses of the job (see {@link BatchHistory}). */
  batches: BatchHistory;
  eta: Eta | null;
  /** Last lines of output, carriage-return updates applied. */
  logs: readonly LogLine[];
  artifacts: readonly Artifact[];
  /**
   * The pipeline stage running now (or the last one, once the job ended); null for a job
   * without stages. `progress`, `batches` and `eta` are this stage's: they start over at
   * each stage.
   */
  stage: JobStage | null;
  /** The pipeline's earlier stages, in order, each with its progress when it ended. */
  stages: readonly StageResult[];
  /** A predict job's items done, rate and ETA; null for a training job. */
  items: ItemProgress | null;
  /** The upload in progress (throttled: a few updates a second), or null. */
  upload: TransferProgress | null;
  lastSeq: number;
  /** When the job first went `running`, on the worker's clock (ms); null before. */
  startedTs: number | null;
  /** The worker's clock at the last event applied (ms); 0 before any. */
  lastEventTs: number;
  stats: SessionStats;
  /** The link to the worker: whether it answers, and since when it does not. */
  connection: WorkerLinkState;
}
