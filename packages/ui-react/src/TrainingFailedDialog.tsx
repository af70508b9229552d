import { describeOutcome, type JobSnapshot } from '@trainwire/core';
import { CopyButton } from './internal/CopyButton.js';
import { Dialog } from './internal/Dialog.js';
import { type JobStore, useJob } from './useJob.js';

/** Props of {@link TrainingFailedDialog}. */
export interface TrainingFailedDialogProps {
  /** The job that failed. */
  session: JobStore;
  /** Called by OK and Escape. */
  onClose?: () => void;
  /**
   * The client's own resume command for a checkpoint (the flags the job was started with);
   * the worker's (`describeOutcome().workerResumeCommand`) is shown otherwise.
   */
  resumeCommand?: (checkpoint: string) => string;
}

const selectWorker = (s: JobSnapshot) => s.connection.worker;
// describeOutcome reads a finished session; before that there is nothing to show.
const selectOutcome = (s: JobSnapshot) => (s.state === 'failed' ? describeOutcome(s) : null);

/**
 * The failure summary of a job, from core's `describeOutcome`: "Training failed after
 * epoch 42 of 100.", the error, the checkpoints on the worker and the command that resumes
 * from the last one, with a Copy button. Renders nothing unless the job failed (a refused
 * job has its own dialogs: config validation, path resolution).
 *
 * @example
 * ```tsx
 * {failed && <TrainingFailedDialog session={session} onClose={() => setFailed(false)} />}
 * ```
 */
export function TrainingFailedDialog({
  session,
  onClose,
  resumeCommand,
}: TrainingFailedDialogProps) {
  const outcome = useJob(session, selectOutcome);
  const worker = useJob(session, selectWorker);
  if (outcome === null || outcome.kind !== 'failed') return null;
  const checkpoint = outcome.lastCheckpoint;
  const resume =
    checkpoint === undefined
      ? outcome.workerResumeCommand
      : (resumeCommand?.(checkpoint) ?? outcome.workerResumeCommand);
  const resumedAt =
    outcome.startEpoch !== null && outcome.startEpoch > 0
      ? ` (resumed at epoch ${outcome.startEpoch + 1})`
      : '';
  const of = outcome.totalEpochs === null ? '' : ` of ${outcome.totalEpochs}`;
  return (
    <Dialog
      role="alertdialog"
      title="Remote Training Failed"
      onClose={onClose}
      actions={
        <button type="button" onClick={onClose}>
          OK
        </button>
      }
    >
      <p>
        Training failed after epoch {outcome.reachedEpoch}
        {of}
        {resumedAt}.
      </p>
      {outcome.error === null ? null : <p>Error: {outcome.error.message}</p>}
      {outcome.checkpointDir === undefined && checkpoint === undefined ? (
        <p>No checkpoint was saved on the worker; the job has to start again from the beginning.</p>
      ) : (
        <>
          <p>Checkpoints saved on worker {worker}:</p>
          <pre>
            <code>{outcome.checkpointDir ?? checkpoint}</code>
          </pre>
        </>
      )}
      {checkpoint !== undefined && outcome.checkpointDir !== undefined ? (
        <p>
          Last checkpoint: <code>{checkpoint}</code>
        </p>
      ) : null}
      {resume === undefined ? null : (
        <>
          <p>To resume training, use the CLI:</p>
          <pre>
            <code>{resume}</code>
          </pre>
          <CopyButton text={resume} accessibleLabel="Copy resume command" />
        </>
      )}
    </Dialog>
  );
}
