/**
 * The trainwire worker agent: accepts jobs over any transport, runs trainers (the
 * built-in TypeScript MLP, sleap-nn, or any program that follows the trainer contract) as
 * child processes or Slurm jobs, turns their ZeroMQ progress and output into stored job
 * events, keeps jobs, experiments, artifacts, models and uploads in SQLite, and lets
 * clients touch only the folders its operator mounted.
 *
 * @packageDocumentation
 */

export {
  type SlurmSettings,
  type SlurmSettingsInput,
  SlurmSettingsSchema,
} from './config/SlurmSettings.js';
export {
  loadWorkerConfig,
  type Mount,
  MountSchema,
  readWorkerConfigFile,
  type TrainerProfile,
  type TrainerProfileInput,
  TrainerProfileSchema,
  type WorkerConfig,
  type WorkerConfigInput,
  WorkerConfigSchema,
} from './config/WorkerConfig.js';
export { createWorker, type WorkerOptions } from './createWorker.js';
export { PathDeniedError, WorkerError, type WorkerErrorCode } from './errors.js';
export {
  checkPytorch,
  defaultPython,
  type PytorchCheck,
  pytorchTrainerPath,
} from './machine/checkPytorch.js';
export { detectMachine, type MachineInfo, type RunCommand } from './machine/detectMachine.js';
export { parseNvidiaSmi } from './machine/parseNvidiaSmi.js';
export { type JobOwner, type PeerIdentity, PeerIdentitySchema } from './PeerIdentity.js';
export {
  buildTrainerCommand,
  type LaunchContext,
  type TrainerLaunch,
} from './runner/buildTrainerCommand.js';
export { builtinProfiles, builtinTrainerPath } from './runner/builtinProfiles.js';
export { LocalLauncher, type LocalLauncherOptions } from './runner/LocalLauncher.js';
export { SlurmLauncher, type SlurmLauncherOptions } from './runner/SlurmLauncher.js';
export type {
  LaunchExit,
  LaunchedTrainer,
  LaunchRequest,
  LaunchStatus,
  TrainerLauncher,
} from './runner/TrainerLauncher.js';
export {
  type ProgressLink,
  type TrainerExit,
  TrainerProcess,
  type TrainerProcessOptions,
} from './runner/TrainerProcess.js';
export {
  type DirEntry,
  type DirPage,
  type FindOptions,
  type PathDenial,
  type PathGuard,
  Sandbox,
  type SandboxOptions,
} from './sandbox/Sandbox.js';
export { ArtifactStore, type ModelVersion } from './store/ArtifactStore.js';
export { type Experiment, ExperimentStore } from './store/ExperimentStore.js';
export {
  type OpenDatabaseOptions,
  openDatabase,
  type WorkerDatabase,
} from './store/openDatabase.js';
export { SqliteJobStore, type StoredJobRecord } from './store/SqliteJobStore.js';
export { type UploadRecord, UploadStore } from './store/UploadStore.js';
export {
  type GenerateDatasetConfig,
  GenerateDatasetConfigSchema,
  type SyntheticDataset,
  SyntheticDatasetSchema,
  type TrainerConfig,
  type TrainerConfigInput,
  TrainerConfigSchema,
} from './trainer/TrainerConfig.js';
export { type TrainerEnv, TrainerEnvSchema } from './trainer/TrainerEnv.js';
export { Worker, type WorkerCloseOptions, type WorkerParts } from './Worker.js';
export type { WorkerLogEntry, WorkerLogger } from './WorkerLogEntry.js';
