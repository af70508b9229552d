let counter = 0;

/**
 * A fresh job id (`job-…`): the client picks ids, so a `job.start` (or `dataset.generate`)
 * retried after a lost answer finds the job it made.
 *
 * @example
 * ```ts
 * await peer.request('dataset.generate', { jobId: newJobId(), name: 'blobs' });
 * ```
 */
export function newJobId(now: number = Date.now()): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `job-${now.toString(36)}-${(counter++).toString(36)}${random}`;
}
