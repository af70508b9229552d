/**
 * React hooks over trainwire's core stores (`JobSession`, `JobManager`, `WorkerDirectory`,
 * the rooms, the experimental flag), each a thin `useSyncExternalStore` with a selector, and the
 * remote-training widgets built only on them: the remote-training panel and worker setup
 * guide, the config-validation and path-resolution dialogs, the training monitor (a uPlot
 * loss chart), the jobs panel and the failure dialog, and the training workflow around
 * them: the dashboard, the experiments table with its lineage view and the models panel, the
 * new-model wizard, the synthetic-data, fine-tune and predict dialogs, each gated by the
 * worker's readiness, and lists merged across the workers of a room.
 *
 * @packageDocumentation
 */

export {
  ConfigValidationDialog,
  type ConfigValidationDialogProps,
} from './ConfigValidationDialog.js';
export { Dashboard, type DashboardProps } from './Dashboard.js';
export type { ExperimentRunProps } from './ExperimentRunProps.js';
export { ExperimentsTable, type ExperimentsTableProps } from './ExperimentsTable.js';
export type { ExternalStore } from './ExternalStore.js';
export { isJobFailedError, JobFailedError, UiReactError } from './errors.js';
export { FineTuneDialog, type FineTuneDialogProps } from './FineTuneDialog.js';
export { JobsPanel, type JobsPanelProps } from './JobsPanel.js';
export type { LossChartHandle } from './LossChartHandle.js';
export { ModelsPanel, type ModelsPanelProps } from './ModelsPanel.js';
export { NewModelWizard, type NewModelWizardProps } from './NewModelWizard.js';
export { PathResolutionDialog, type PathResolutionDialogProps } from './PathResolutionDialog.js';
export {
  PredictDialog,
  type PredictDialogProps,
  type PredictExportProps,
} from './PredictDialog.js';
export {
  type PreparedRun,
  RemoteTrainingPanel,
  type RemoteTrainingPanelProps,
  type WorkerChoice,
} from './RemoteTrainingPanel.js';
export { RoomDirectory, type RoomDirectorySnapshot } from './RoomDirectory.js';
export type { RoomDirectoryStore } from './RoomDirectoryStore.js';
export { SubmitFlowDialogs, type SubmitFlowDialogsProps } from './SubmitFlowDialogs.js';
export { SyntheticDataDialog, type SyntheticDataDialogProps } from './SyntheticDataDialog.js';
export { TrainingFailedDialog, type TrainingFailedDialogProps } from './TrainingFailedDialog.js';
export { TrainingMonitor, type TrainingMonitorProps } from './TrainingMonitor.js';
export { BUILTIN_TRAINING, type TrainingPresets } from './TrainingPresets.js';
export { TrainwireProvider, type TrainwireProviderProps } from './TrainwireProvider.js';
export { type ActiveModels, useActiveModels } from './useActiveModels.js';
export { type ConnectionStore, useConnection } from './useConnection.js';
export { type FlagStore, useExperimentalFlag } from './useExperimentalFlag.js';
export { type ExperimentsStore, useExperiments } from './useExperiments.js';
export { type JobStore, type UseJobOptions, useJob } from './useJob.js';
export { useJobManager } from './useJobManager.js';
export { useJobs } from './useJobs.js';
export { type ModelsStore, useModels } from './useModels.js';
export { useRooms } from './useRooms.js';
export { type SubmitFlowControls, type SubmitPrompt, useSubmitFlow } from './useSubmitFlow.js';
export { useWorkers } from './useWorkers.js';
export type { WorkerDirectoryStore } from './WorkerDirectoryStore.js';
export type { WorkerFiles } from './WorkerFiles.js';
export { WorkerSetupGuide, type WorkerSetupGuideProps } from './WorkerSetupGuide.js';
