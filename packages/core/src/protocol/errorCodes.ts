import { isTrainwireError } from '../errors.js';

/**
 * Every error code that may appear on the wire (in a `response` error, an `error` frame,
 * or a job event's `error`), with when it is used. Nothing else reaches the wire: a
 * handler failure with any other code (an errno such as `ENOENT`, a library's own code)
 * is sent as {@link toWireError} maps it. `docs/protocol.md` lists the same codes.
 */
export const WIRE_ERROR_CODES = {
  bad_frame: 'an `error` frame: the frame was not JSON, not an object, or did not match its type',
  unsupported_version:
    'an `error` frame: the frame is of another protocol version; `details {speaks, received}`',
  bad_params: "a request's params did not match the method's schema; `details.issues[].path`",
  unknown_method: 'the peer does not serve this method',
  internal_error: 'the peer failed in a way it has no code for; its log has the detail',
  unknown_job: 'no job with this id on the worker',
  job_conflict: '`job.start` with a known job id but another spec',
  unknown_profile: '`job.start` names a trainer profile the worker does not offer',
  config_invalid:
    "the job's config broke the profile's rules (`details.issues`), or names an unknown parent experiment (`details.parentExperiment`)",
  device_unavailable: '`device: "gpu"` on a worker without a GPU',
  worker_busy: 'the worker runs as many jobs as it may, or is shutting down',
  not_owner: '`job.stop` / `job.cancel` of a job another credential started',
  path_denied:
    'a path outside the mounts, relative, another member’s upload, or not writable; `details {path, reason}`',
  not_found: 'the path is inside a mount but nothing is there; `details {path}`',
  not_a_file: '`file.download` of a folder or other non-file; `details {path}`',
  bad_offset: '`file.download` with `offset` past the end of the file; `details {path, size}`',
  upload_corrupt: 'the bytes of an upload did not match its size or SHA-256',
  unknown_transfer: 'no upload of this transfer id in progress for this caller',
  no_space: "the worker's disk is short of space; `details {freeBytes, neededBytes?, …}`",
  spawn_failed: 'the trainer could not be started',
  store_failed: "the worker's job store failed while the job ran",
  trainer_failed: 'the trainer exited with an error (`details {exitCode, signal, lastLines, …}`)',
  worker_stopped: 'the worker was stopped while the job ran (the job ends `cancelled`)',
  worker_restarted: 'the worker died and came back; the job ends `failed`',
  unknown_experiment: 'no experiment with this id on the worker; `details {experimentId}`',
  experiment_conflict:
    '`experiment.create` (or `continue` / `retry`) with a known experiment id but other fields',
  experiment_running:
    '`experiment.delete` of an experiment whose job still runs, or a job started in it while one runs; `details {experimentId, jobId}`',
  experiment_in_use:
    '`experiment.delete` of an experiment with child experiments or registered models; `details {experimentId, children?, models?}`',
  experiment_state:
    'the experiment is not in a state that allows this (retry of one that did not fail, register from one that did not complete, continue without a checkpoint); `details {experimentId, status}`',
  unknown_artifact:
    'no artifact with this id (of this experiment) on the worker; `details {artifactId}`',
  unknown_model:
    'no model version of this name (and version) on the worker; `details {name, version?}`',
  model_active:
    '`model.delete` of the active version of a model; activate another first; `details {name, version}`',
  model_in_use:
    '`model.delete` of a version a running fine-tune starts from; `details {name, version, jobId}`',
  artifact_in_use:
    '`artifact.delete` / `artifact.rename` of an artifact something still needs (a registered or active model version, a running fine-tune or resume, a running job); `details {artifactId, uses[]}`',
  name_taken:
    '`artifact.rename` to a name a file already has in that folder; `details {artifactId, name, path}`',
  dataset_exists:
    '`dataset.generate` (or a `generate-dataset` job) of a name that exists, without `overwrite`; `details {name, path}`',
} as const;

/** A code of {@link WIRE_ERROR_CODES}. */
export type WireErrorCode = keyof typeof WIRE_ERROR_CODES;

/** True when `code` is one the protocol documents. */
export function isWireErrorCode(code: string): code is WireErrorCode {
  return Object.hasOwn(WIRE_ERROR_CODES, code);
}

/** The error a handler threw, as it may travel: a documented code and a message. */
export interface WireError {
  code: WireErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Node's errno codes in words a user can act on; anything else is an internal error. */
const ERRNO: Record<string, { code: WireErrorCode; words: string }> = {
  ENOENT: { code: 'not_found', words: 'there is no such file or folder' },
  ENOTDIR: { code: 'not_found', words: 'a part of the path is not a folder' },
  EISDIR: { code: 'not_a_file', words: 'it is a folder, not a file' },
  EACCES: { code: 'path_denied', words: 'the worker may not read it' },
  EPERM: { code: 'path_denied', words: 'the worker may not read it' },
  ELOOP: { code: 'path_denied', words: 'it is a loop of symlinks' },
  ENOSPC: { code: 'no_space', words: "the worker's disk is full" },
  EDQUOT: { code: 'no_space', words: "the worker's disk quota is used up" },
};

/**
 * What may be sent for `error`, thrown by the handler of `method`: a trainwire error with
 * a documented code goes as it is; an errno (`ENOENT`) becomes its protocol code with a
 * message that names no path of the worker's own (a system message would name where a
 * symlink led); anything else is `internal_error`.
 *
 * @example
 * ```ts
 * toWireError(Object.assign(new Error('ENOENT: …'), { code: 'ENOENT' }), 'file.download');
 * // { code: 'not_found', message: 'file.download failed: there is no such file or folder' }
 * ```
 */
export function toWireError(error: unknown, method: string): WireError {
  if (isTrainwireError(error) && isWireErrorCode(error.code)) {
    const details = error.details;
    return details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details };
  }
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === 'string' ? ERRNO[code] : undefined;
  if (known !== undefined) return { code: known.code, message: `${method} failed: ${known.words}` };
  return {
    code: 'internal_error',
    message: `${method} failed inside the peer; its log may say more`,
  };
}
