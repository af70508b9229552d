import type { JobError } from '@trainwire/core';

/**
 * Base class of every error `@trainwire/ui-react` throws. Check `code` (or `name`), not
 * `instanceof`: two copies of the package may be loaded.
 */
export class UiReactError extends Error {
  override name = 'UiReactError';
  readonly code: string;

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/**
 * Thrown by a hook called with `throwOnError` when the job it reads has failed, so that
 * the nearest React error boundary shows it. `code` is the job error's code; the job
 * error itself is in `jobError`.
 */
export class JobFailedError extends UiReactError {
  override name = 'JobFailedError';
  readonly jobId: string;
  readonly jobError: JobError;

  constructor(jobId: string, jobError: JobError) {
    super(jobError.code, `job ${jobId} failed: ${jobError.message}`, { cause: jobError });
    this.jobId = jobId;
    this.jobError = jobError;
  }
}

/** True when `value` is a {@link JobFailedError} from any copy of this package. */
export function isJobFailedError(value: unknown): value is JobFailedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'JobFailedError'
  );
}
