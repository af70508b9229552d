import type { JobSnapshot } from '@trainwire/core';
import { formatDuration } from './format.js';
import { JobProgress } from './JobProgress.js';

/** "Predicted 512/2000 items · 150.0 items/s · 0:10 left" (the CLI's predict line, in words). */
export function itemsLine(items: JobSnapshot['items']): string {
  if (items === null) return 'Predicting… (no item done yet)';
  const rate = items.ratePerSec === null ? '—' : items.ratePerSec.toFixed(1);
  const left = items.etaMs === null ? '—' : formatDuration(items.etaMs);
  return `Predicted ${items.done}/${items.total ?? '?'} items · ${rate} items/s · ${left} left`;
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
      <p className="tw-items-line">{itemsLine(items)}</p>
    </div>
  );
}
