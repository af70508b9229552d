import { describeOutcome } from './describeOutcome.js';
import type { JobSnapshot } from './JobSnapshot.js';
import { describeStage } from './JobStages.js';

/**
 * A failed or cancelled job as its failure summary shows it: the CLI prints it, the
 * failure dialog renders it. One computation, so both say the same thing.
 */
export interface FailureSummary {
  /** `refused`: turned down before it ran (its dialogs say why; the summary reads as failed). */
  kind: 'failed' | 'cancelled' | 'refused';
  /** `Remote Training Failed` / `Remote Training Cancelled`. */
  title: string;
  /** `Training failed after epoch 42 of 100` (with `(resumed at epoch 11)` for a resumed run). */
  headline: string;
  /** `epoch 42 of 100`. */
  reached: string;
  /** The epoch (1-based) a resumed run began at; null for a run from the start. */
  resumedAt: number | null;
  /** The error's message, in the user's words; null when there is none. */
  error: string | null;
  /** The worker the job ran on. */
  worker: string;
  /** The folder of the job's checkpoints on the worker, when it said. */
  checkpointDir: string | undefined;
  /** The pipeline stage it ended in (`Stage 2/2: centered_instance`); null without stages. */
  stage: string | null;
  /**
   * What a resume of a pipeline does: "Resuming restarts at stage centered_instance from its
   * last checkpoint and reuses the model of stage centroid."; null without stages.
   */
  resumeNote: string | null;
  /** The newest checkpoint's path on the worker, when one was saved. */
  lastCheckpoint: string | undefined;
  /**
   * The command that resumes from the last checkpoint: the client's own (from
   * `options.resumeCommand`, repeating the flags it started the job with), else the
   * worker's (it names the config file on the worker); undefined when there is neither.
   */
  resumeCommand: string | undefined;
  jobId: string;
}

/** Options of {@link describeFailure}. */
export interface DescribeFailureOptions {
  /** Builds the client's resume command for a checkpoint (see `buildResumeCommand`). */
  resumeCommand?: (checkpoint: string) => string;
}

/**
 * The failure summary of a finished job — headline, error, checkpoint on the worker and
 * resume command — or undefined unless it failed, was refused or was cancelled (a completed
 * or lost job has its own words).
 *
 * @example
 * ```ts
 * const failure = describeFailure(await session.done);
 * if (failure) console.log(`${failure.headline}.\n${failure.error}\n${failure.resumeCommand}`);
 * ```
 */
export function describeFailure(
  final: JobSnapshot,
  options: DescribeFailureOptions = {},
): FailureSummary | undefined {
  const outcome = describeOutcome(final);
  const { kind } = outcome;
  if (kind !== 'failed' && kind !== 'cancelled' && kind !== 'refused') return undefined;
  const { lastCheckpoint, workerResumeCommand } = outcome;
  const resumed = outcome.resumedAt === null ? '' : ` (resumed at epoch ${outcome.resumedAt})`;
  const cancelled = kind === 'cancelled';
  const { stage, completedStages } = outcome;
  const inStage =
    stage === null ? '' : ` in stage ${stage.index + 1}/${stage.count} (${stage.name})`;
  const what = final.spec.predict === undefined ? 'Training' : 'Prediction';
  return {
    kind,
    title: `Remote ${what} ${cancelled ? 'Cancelled' : 'Failed'}`,
    headline:
      kind === 'refused'
        ? 'The job was turned down before it ran'
        : `${what} ${cancelled ? 'cancelled' : 'failed'}${inStage} after ${outcome.reached}${resumed}`,
    reached: outcome.reached,
    resumedAt: outcome.resumedAt,
    error: outcome.error?.message ?? null,
    worker: final.connection.worker,
    checkpointDir: outcome.checkpointDir,
    stage: stage === null ? null : describeStage(stage),
    resumeNote:
      stage === null ? null : pipelineResumeNote(stage.name, completedStages, lastCheckpoint),
    lastCheckpoint,
    resumeCommand:
      lastCheckpoint === undefined
        ? workerResumeCommand
        : (options.resumeCommand?.(lastCheckpoint) ?? workerResumeCommand),
    jobId: final.jobId,
  };
}

function pipelineResumeNote(
  stage: string,
  completed: readonly string[],
  checkpoint: string | undefined,
): string {
  const from =
    checkpoint === undefined
      ? `restarts stage ${stage} from its start (it saved no checkpoint)`
      : `restarts at stage ${stage} from its last checkpoint`;
  const reuse =
    completed.length === 0
      ? ''
      : ` and reuses the model${completed.length === 1 ? '' : 's'} of stage${completed.length === 1 ? '' : 's'} ${completed.join(', ')}`;
  return `Resuming ${from}${reuse}; later stages run after it.`;
}
