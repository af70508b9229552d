import { TrainwireError } from '@trainwire/core';

/** Codes of errors raised by `@trainwire/worker`. */
export type WorkerErrorCode =
  | 'worker_busy'
  | 'unknown_profile'
  | 'unknown_job'
  | 'job_conflict'
  | 'path_denied'
  | 'config_invalid'
  | 'trainer_failed'
  | 'spawn_failed'
  | 'upload_corrupt'
  | 'device_unavailable'
  | 'unknown_transfer'
  | 'store_failed'
  | 'not_a_file'
  | 'not_found'
  | 'bad_offset'
  | 'data_dir_in_use'
  | 'no_space'
  | 'not_owner'
  | 'unknown_experiment'
  | 'experiment_conflict'
  | 'experiment_running'
  | 'experiment_in_use'
  | 'experiment_state'
  | 'unknown_artifact'
  | 'unknown_model'
  | 'model_active'
  | 'model_in_use'
  | 'artifact_in_use'
  | 'name_taken'
  | 'dataset_exists';

/**
 * Base class of every error `@trainwire/worker` throws. Check `code` (or
 * `isTrainwireError(error, 'worker_busy')` from `@trainwire/core`), not `instanceof`.
 */
export class WorkerError extends TrainwireError {
  override name = 'WorkerError';
  declare readonly code: WorkerErrorCode;

  constructor(
    code: WorkerErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
  }
}

/**
 * A path outside every mount, another member's upload, or otherwise unusable. The message
 * names the path and the reason — never where a symlink led (the worker logs that).
 */
export class PathDeniedError extends WorkerError {
  override name = 'PathDeniedError';

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super('path_denied', `access to ${JSON.stringify(path)} denied: ${reason}`, {
      details: { path, reason },
    });
  }
}
