import type { JobSnapshot } from '@trainwire/core';

/**
 * A job's progress bar: epochs done of its total (a pipeline's: of the current stage), a
 * predict job's items done of its total; indeterminate before the total is known.
 */
export function JobProgress({
  title,
  progress,
  items = null,
}: {
  title: string;
  progress: Pick<JobSnapshot['progress'], 'totalEpochs' | 'completedEpochs'>;
  items?: JobSnapshot['items'] | undefined;
}) {
  const [value, max] =
    items === null ? [progress.completedEpochs, progress.totalEpochs] : [items.done, items.total];
  return max === null ? (
    <progress aria-label={`Progress of ${title}`} />
  ) : (
    <progress aria-label={`Progress of ${title}`} max={max} value={Math.min(value, max)} />
  );
}
