import { itemsLine, type JobSnapshot } from '@trainwire/core';
import { JobProgress } from './JobProgress.js';

/** "Predicted 512/2000 items · 150.0 items/s · 0:10 left" (core's parts, the CLI's words). */
export function predictLine(items: JobSnapshot['items']): string {
  const line = itemsLine(items);
  if (line === undefined) return 'Predicting… (no item done yet)';
  return `Predicted ${line.count} items · ${line.rate} items/s · ${line.left} left`;
}

/**
 * A predict job's progress: a bar of the items done of all, then the items, the rate
 * (items a second) and the time left, from core's `snapshot.items`. No epoch chart: a
 * predict job has no loss.
 */
export function ItemsProgress({
  title,
  snapshot,
}: {
  title: string;
  snapshot: Pick<JobSnapshot, 'items' | 'progress'>;
}) {
  const { items } = snapshot;
  return (
    <div className="tw-items">
      <JobProgress title={title} progress={snapshot.progress} items={items ?? undefined} />
      <p className="tw-items-line">{predictLine(items)}</p>
    </div>
  );
}
