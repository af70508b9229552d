let counter = 0;

/**
 * A fresh experiment id (`exp-…`): the client picks ids, so a retried `experiment.create`
 * (or `continue` / `retry`) after a lost answer finds the experiment it made.
 *
 * @example
 * ```ts
 * await peer.request('experiment.create', { experimentId: newExperimentId(), name: 'baseline' });
 * ```
 */
export function newExperimentId(now: number = Date.now()): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `exp-${now.toString(36)}-${(counter++).toString(36)}${random}`;
}
