/**
 * What kind of "no" a job got before it ran, for what a view offers next:
 * - `usage`: the request itself is wrong (an unknown profile, an invalid config, a missing
 *   or denied path, a device the worker lacks) — fix it and submit again;
 * - `busy`: the worker has no room now (its jobs, its disk) — wait, or pick another;
 * - `connection`: the worker could not be reached or did not answer — the job may have
 *   started; check before submitting again;
 * - `other`: anything else.
 */
export type RefusalKind = 'usage' | 'busy' | 'connection' | 'other';

const USAGE = new Set([
  'config_invalid',
  'paths_missing',
  'unknown_profile',
  'bad_params',
  'validation_failed',
  'path_denied',
  'not_a_file',
  'device_unavailable',
  'unknown_model',
  'unknown_artifact',
  'usage',
]);
const BUSY = new Set(['worker_busy', 'submit_refused', 'job_conflict', 'no_space']);

/**
 * The kind of refusal an error code is: the CLI's exit code (2, 4, 3, 1) and the panel's
 * advice come from the same rule.
 *
 * @example
 * ```ts
 * if (classifyRefusal(settled.error!.code) === 'busy') showPickAnotherWorker();
 * ```
 */
export function classifyRefusal(code: string): RefusalKind {
  if (BUSY.has(code)) return 'busy';
  if (USAGE.has(code)) return 'usage';
  if (/transport|connect|timeout|closed|signal/.test(code)) return 'connection';
  return 'other';
}
