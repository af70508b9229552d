import { TrainwireError } from '@trainwire/core';

/** Codes of the problems `@trainwire/host-adapter` reports. */
export type HostAdapterErrorCode =
  | 'prefs_corrupt'
  | 'prefs_unreadable'
  | 'prefs_unwritable'
  | 'bad_env_value'
  | 'package_missing'
  | 'package_broken'
  | 'package_incompatible'
  | 'react_missing'
  | 'panel_failed'
  | 'bad_mount_arguments';

/**
 * A problem `@trainwire/host-adapter` found. The host adapter never throws into the host:
 * these travel as values (`ExperimentalFlagInfo.problem`, `PackageReport.problem`,
 * `MountStatus.problem`), with a message a user can act on and the raw error in `cause`.
 * Check `code` (or `isTrainwireError(problem, 'prefs_corrupt')` from `@trainwire/core`),
 * not `instanceof`.
 */
export class HostAdapterError extends TrainwireError {
  override name = 'HostAdapterError';
  declare readonly code: HostAdapterErrorCode;

  constructor(
    code: HostAdapterErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
  }
}
