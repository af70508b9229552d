/**
 * What a host application needs to offer trainwire's remote training behind its
 * "experimental features" switch: the flag itself (off by default, saved in a prefs file
 * under Node or localStorage in a browser, overridden by `TRAINWIRE_EXPERIMENTAL=1|0`,
 * changed at run time without a restart), `detect()` to find out which optional trainwire
 * packages are installed and fit this version, and `mount()` to show the remote-training
 * panel in a page that is not written in React. Nothing here throws into the host: a
 * missing package or a damaged prefs file is a reason the host can show.
 *
 * @packageDocumentation
 */

export {
  type Detection,
  type DetectOptions,
  detect,
  OPTIONAL_PACKAGES,
  type OptionalPackageName,
  type PackageReport,
  type PackageStatus,
} from './detect.js';
export {
  ExperimentalFlag,
  type ExperimentalFlagInfo,
  type ExperimentalFlagOptions,
  type ExperimentalFlagSource,
} from './ExperimentalFlag.js';
export { HostAdapterError, type HostAdapterErrorCode } from './errors.js';
export { FilePrefsStorage } from './FilePrefsStorage.js';
export type { Importer, ImportOptions } from './Importer.js';
export { HOST_ADAPTER_API_VERSION, isCompatibleVersion } from './isCompatibleVersion.js';
export {
  LocalStoragePrefsStorage,
  type LocalStoragePrefsStorageOptions,
} from './LocalStoragePrefsStorage.js';
export { MemoryPrefsStorage } from './MemoryPrefsStorage.js';
export {
  type MountFlag,
  type MountHandle,
  type MountOptions,
  type MountState,
  type MountStatus,
  type MountWorkerChoice,
  mount,
} from './mount.js';
export type { PrefsStorage } from './PrefsStorage.js';
