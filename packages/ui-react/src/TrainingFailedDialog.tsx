import { describeFailure, type JobSnapshot } from '@trainwire/core';
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
   * the worker's is shown otherwise (see `describeFailure`'s `resumeCommand`; core's
   * `buildResumeCommand` builds the CLI's).
   */
  resumeCommand?: (checkpoint: string) => string;
}

// The snapshot once the job failed (the same object until it changes); null before.
const selectFailed = (s: JobSnapshot) => (s.state === 'failed' ? s : null);

/**
 * The failure dialog of a job, rendered from core's `describeFailure` — the summary the
 * CLI's `train` and `attach` print: "Training failed after epoch 42 of 100.", the error,
 * the checkpoints on the worker and the command that resumes from the last one, with a
 * Copy button. Renders nothing unless the job failed (a refused job has its own dialogs:
 * config validation, path resolution).
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
  const final = useJob(session, selectFailed);
  const failure =
    final === null
      ? undefined
      : describeFailure(final, resumeCommand === undefined ? {} : { resumeCommand });
  if (failure === undefined || failure.kind !== 'failed') return null;
  const { checkpointDir, lastCheckpoint, resumeCommand: resume } = failure;
  return (
    <Dialog
      role="alertdialog"
      title={failure.title}
      onClose={onClose}
      actions={
        <button type="button" onClick={onClose}>
          OK
        </button>
      }
    >
      <p>{failure.headline}.</p>
      {failure.error === null ? null : <p>Error: {failure.error}</p>}
      {checkpointDir === undefined && lastCheckpoint === undefined ? (
        <p>No checkpoint was saved on the worker; the job has to start again from the beginning.</p>
      ) : (
        <>
          <p>Checkpoints saved on worker {failure.worker}:</p>
          <pre>
            <code>{checkpointDir ?? lastCheckpoint}</code>
          </pre>
        </>
      )}
      {lastCheckpoint !== undefined && checkpointDir !== undefined ? (
        <p>
          Last checkpoint: <code>{lastCheckpoint}</code>
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
