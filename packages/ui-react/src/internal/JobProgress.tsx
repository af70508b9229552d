import type { JobSnapshot } from '@trainwire/core';

/** A job's progress bar: epochs done of its total, or indeterminate before the total is known. */
export function JobProgress({
  title,
  progress,
}: {
  title: string;
  progress: Pick<JobSnapshot['progress'], 'totalEpochs' | 'completedEpochs'>;
}) {
  return progress.totalEpochs === null ? (
    <progress aria-label={`Progress of ${title}`} />
  ) : (
    <progress
      aria-label={`Progress of ${title}`}
      max={progress.totalEpochs}
      value={Math.min(progress.completedEpochs, progress.totalEpochs)}
    />
  );
}
