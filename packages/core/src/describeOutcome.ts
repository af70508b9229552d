import { detailsOf } from './errorDetails.js';
import type { JobSnapshot } from './JobSnapshot.js';
import type { Artifact } from './schemas/Artifact.js';
import type { JobError } from './schemas/JobEvent.js';
import type { JobStage } from './schemas/StageSpec.js';

/**
 * How a job ended, as a person reads it: what the CLI's summary prints and a failure
 * dialog shows. One computation, so both views say the same thing.
 */
export interface JobOutcome {
  /**
   * - `completed`: every epoch ran; `stopped-early`: completed after a stop, before the last
   *   epoch; `failed`; `cancelled`;
   * - `refused`: the worker (or the client's checks) turned the job down before it ran —
   *   nothing was trained (an unknown profile, an invalid config, a busy worker);
   * - `lost`: the client gave up on an unreachable worker; the job may still be running.
   */
  kind: 'completed' | 'stopped-early' | 'failed' | 'cancelled' | 'refused' | 'lost';
  /** Epochs finished, by epoch number (a resumed run counts from where it started). */
  reachedEpoch: number;
  totalEpochs: number | null;
  /** The first epoch this run trained (where a resumed run began); null if none ran. */
  startEpoch: number | null;
  /** How far it got, in words: `epoch 42 of 100` (`epoch 42` when the total is unknown). */
  reached: string;
  /** The epoch (1-based) a resumed run began at; null for a run from the start. */
  resumedAt: number | null;
  error: JobError | null;
  models: readonly Artifact[];
  /** The newest checkpoint's path on the worker, when one was saved. */
  lastCheckpoint: string | undefined;
  /** The folder of the job's checkpoints on the worker, when the worker said it. */
  checkpointDir: string | undefined;
  /** The worker's own resume command (it names the config file on the worker). */
  workerResumeCommand: string | undefined;
  /** A pipeline's stage the job ended in (its epochs are that stage's); null without stages. */
  stage: JobStage | null;
  /** A pipeline's stages that finished before it ended, by name. */
  completedStages: readonly string[];
}

const REFUSALS = new Set([
  'config_invalid',
  'paths_missing',
  'unknown_profile',
  'bad_params',
  'validation_failed',
  'worker_busy',
  'submit_refused',
  'job_conflict',
  'no_space',
]);

/** True for an error code that turns a job down before it runs (a usage or capacity answer). */
export function isRefusalCode(code: string): boolean {
  return REFUSALS.has(code);
}

/**
 * True for a job that failed before it ran: in a pre-submission step (the client's
 * checks, the upload, or the worker answering `job.start` with an error), with nothing of
 * it in the worker's event log. A view shows the reason, not a run that reached epoch 0.
 */
export function failedBeforeStart(
  snapshot: Pick<JobSnapshot, 'state' | 'lastSeq' | 'submitStep'>,
): boolean {
  return snapshot.state === 'failed' && snapshot.submitStep !== null && snapshot.lastSeq === 0;
}

/**
 * True when the job was turned down (a usage or capacity answer: an unknown profile, an
 * invalid config, a busy or full worker) rather than cut off on the way (an upload that
 * broke): {@link failedBeforeStart} with a refusal's code.
 */
export function isRefusal(
  snapshot: Pick<JobSnapshot, 'state' | 'lastSeq' | 'submitStep' | 'error'>,
): boolean {
  return (
    failedBeforeStart(snapshot) && snapshot.error !== null && REFUSALS.has(snapshot.error.code)
  );
}

/**
 * The outcome of a finished (or lost) session.
 *
 * @example
 * ```ts
 * const outcome = describeOutcome(await session.done);
 * if (outcome.kind === 'stopped-early')
 *   console.log(`stopped after epoch ${outcome.reachedEpoch} of ${outcome.totalEpochs}`);
 * ```
 */
export function describeOutcome(final: JobSnapshot): JobOutcome {
  const { progress, error } = final;
  const position = detailsOf(error, 'job_ended');
  const checkpoints = final.artifacts.filter((a) => a.kind === 'checkpoint');
  // After a crash the newest checkpoint can be ahead of the events the client saw: the
  // worker's count (`details.epoch`, epochs done) wins when it is further.
  const reachedEpoch = Math.max(progress.completedEpochs, position?.epoch ?? 0);
  const { startEpoch } = progress;
  // The worker's count stands in when the trainer's `train_begin` never reached the client.
  const totalEpochs = progress.totalEpochs ?? position?.totalEpochs ?? null;
  const stage = position?.stage ?? final.stage;
  return {
    kind: kindOf(final),
    reachedEpoch,
    totalEpochs,
    startEpoch,
    // A predict job is counted in items, not epochs.
    reached:
      final.items !== null
        ? `${final.items.done}${final.items.total === null ? '' : ` of ${final.items.total}`} items`
        : `epoch ${reachedEpoch}${totalEpochs === null ? '' : ` of ${totalEpochs}`}`,
    resumedAt: startEpoch !== null && startEpoch > 0 ? startEpoch + 1 : null,
    error,
    models: final.artifacts.filter((a) => a.kind === 'model'),
    lastCheckpoint: position?.lastCheckpoint ?? checkpoints[checkpoints.length - 1]?.path,
    checkpointDir: position?.checkpointDir ?? undefined,
    workerResumeCommand: position?.resumeCommand ?? undefined,
    stage,
    completedStages:
      position?.completedStages ??
      (final.state === 'completed' && final.stage !== null
        ? [...final.stages.map((s) => s.stage.name), final.stage.name]
        : final.stages.map((s) => s.stage.name)),
  };
}

function kindOf(final: JobSnapshot): JobOutcome['kind'] {
  if (final.connection.status === 'lost') return 'lost';
  switch (final.state) {
    case 'completed': {
      const { completedEpochs, totalEpochs } = final.progress;
      // A pipeline stopped before its last stage stopped early, whatever that stage reached.
      const stage = final.stage;
      if (stage !== null && stage.index < stage.count - 1) return 'stopped-early';
      const early = final.error === null && totalEpochs !== null && completedEpochs < totalEpochs;
      return early ? 'stopped-early' : 'completed';
    }
    case 'cancelled':
      return 'cancelled';
    default:
      return isRefusal(final) ? 'refused' : 'failed';
  }
}
