/**
 * trainwire's core: the job lifecycle as RxJS streams (`JobSession`, `JobManager`), the
 * zod schemas of everything that crosses a boundary, the control protocol, the
 * `Transport` contract and the DI tokens. It runs in Node and in a browser.
 *
 * @packageDocumentation
 */

export {
  type ArtifactExporter,
  ArtifactExporters,
  type ExportContext,
  type ExportOutcome,
} from './artifacts/ArtifactExporters.js';
export { type ArtifactFilter, Artifacts, type ArtifactsSnapshot } from './artifacts/Artifacts.js';
export { chooseArtifacts } from './artifacts/chooseArtifacts.js';
export type { DownloadTarget, DownloadWriter } from './artifacts/DownloadTarget.js';
export {
  type FetchArtifactOptions,
  type FetchedArtifact,
  fetchArtifact,
} from './artifacts/fetchArtifact.js';
export {
  createMemoryDownloadTarget,
  type MemoryDownload,
} from './artifacts/memoryDownloadTarget.js';
export { bufferUntilSubscribed } from './bufferUntilSubscribed.js';
export {
  buildResumeCommand,
  type ResumeCommandInput,
  shellQuote,
} from './buildResumeCommand.js';
export { type ConnectionSnapshot, ConnectionStatus } from './ConnectionStatus.js';
export { classifyRefusal, type RefusalKind } from './classifyRefusal.js';
export { createJobManager, type OwnedJobManager } from './createJobManager.js';
export {
  type DescribeFailureOptions,
  describeFailure,
  type FailureSummary,
} from './describeFailure.js';
export { describeFsError } from './describeFsError.js';
export {
  describeOutcome,
  failedBeforeStart,
  isRefusal,
  type JobOutcome,
} from './describeOutcome.js';
export { container, type DependencyContainer, inject, injectable, Lifecycle } from './di.js';
export { type Download, downloadFile } from './downloadFile.js';
export { type Eta, EtaEstimator } from './EtaEstimator.js';
export { EventBus, type EventChannel, type EventChannels } from './EventBus.js';
export {
  detailsOf,
  type ErrorDetailsByCode,
  type JobPosition,
  type TypedError,
  typedError,
} from './errorDetails.js';
export {
  type CoreErrorCode,
  type FieldIssue,
  formatFieldIssues,
  formatPath,
  isTrainwireError,
  parseOrThrow,
  RemoteError,
  TrainwireError,
  TransportError,
  toFieldIssues,
  ValidationError,
} from './errors.js';
export {
  continuedTotalEpochs,
  type Derivation,
  deriveJobSpec,
} from './experiments/deriveJobSpec.js';
export {
  type ExperimentFilter,
  type ExperimentLineage,
  Experiments,
  type ExperimentsSnapshot,
} from './experiments/Experiments.js';
export {
  estimateDuration,
  formatEstimate,
  type RunTiming,
} from './experiments/estimateDuration.js';
export { listPresets, type PresetChoice } from './experiments/listPresets.js';
export { Models, type ModelsSnapshot } from './experiments/Models.js';
export { newExperimentId } from './experiments/newExperimentId.js';
export { formatDuration, formatMetric } from './formatValues.js';
export { JobEventHub, type NewJobEvent, takeWithinBytes, utf8Length } from './JobEventHub.js';
export {
  JobManager,
  type JobManagerOptions,
  type JobManagerSnapshot,
  type SubmitOptions,
} from './JobManager.js';
export {
  type BestMetric,
  type EpochRecord,
  isLowerBetter,
  type JobProgress,
} from './JobProgress.js';
export { JobSession, type JobSessionInit } from './JobSession.js';
export type {
  BatchHistory,
  BatchPoint,
  ItemProgress,
  JobLink,
  JobSnapshot,
  LogLine,
  SessionStats,
  SubmitStep,
  WorkerLinkState,
  WorkerLinkStatus,
} from './JobSnapshot.js';
export { describeStage, type StageResult } from './JobStages.js';
export type { EventPage, JobRecord, JobStore } from './JobStore.js';
export type { LocalFile } from './LocalFile.js';
export { type LoadJobOptions, loadJob } from './loadJob.js';
export {
  type EpochLine,
  elapsedMs,
  epochLine,
  type ItemsLine,
  itemsLine,
  trainLoss,
  valLoss,
  valLossKey,
} from './metrics.js';
export { newJobId } from './newJobId.js';
export type { Prefs, PrefsValues } from './Prefs.js';
export { type PacedChunks, type PacedChunksOptions, pacedChunks } from './pacedChunks.js';
export { confirmProposed } from './paths/confirmProposed.js';
export { mapInputPaths } from './paths/mapInputPaths.js';
export {
  applyFolderFix,
  applyPathFix,
  createPathResolution,
  type PathEntry,
  type PathResolution,
  prefixMapping,
  resolvedInputs,
} from './paths/PathResolution.js';
export { baseName } from './paths/pathParts.js';
export { type RankedCandidate, rankCandidates } from './paths/rankCandidates.js';
export { type PathFixSuggestion, suggestFixes } from './paths/suggestFixes.js';
export { pipelineIssues, specInputPaths } from './pipelineIssues.js';
export {
  type FetchedPredictions,
  fetchPredictions,
  type PredictSession,
  predictionsOf,
} from './predict/fetchPredictions.js';
export { type PredictRequest, predictSpec, submitPredict } from './predict/submitPredict.js';
export { type DecodedFrame, decodeFrame } from './protocol/decodeFrame.js';
export { encodeJson } from './protocol/encodeJson.js';
export { WIRE_ERROR_CODES, type WireErrorCode } from './protocol/errorCodes.js';
export { type ArtifactUse, ArtifactUseSchema } from './protocol/errorDetailsSchemas.js';
export {
  type ErrorFrame,
  ErrorFrameSchema,
  type EventFrame,
  EventFrameSchema,
  type Frame,
  FrameSchema,
  type NoticeFrame,
  NoticeFrameSchema,
  PROTOCOL_VERSION,
  type RequestFrame,
  RequestFrameSchema,
  type ResponseFrame,
  ResponseFrameSchema,
} from './protocol/frames.js';
export {
  ArtifactFileNameSchema,
  DatasetNameSchema,
  isMethodName,
  type JobOwner,
  JobOwnerSchema,
  type JobSummary,
  JobSummarySchema,
  type LineageNode,
  LineageNodeSchema,
  METHODS,
  type MethodHandlers,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type ParsedParams,
  type PathCheck,
  PathCheckSchema,
  type RequestContext,
  toJobSummary,
} from './protocol/methods.js';
export { protocolSchemaEntries } from './protocol/protocolSchemas.js';
export { type ProtocolProblem, RpcPeer, type RpcPeerOptions } from './protocol/RpcPeer.js';
export { type SchemaEntry, schemaFileProblems, toJsonSchemas } from './protocol/toJsonSchemas.js';
export {
  describeReadiness,
  type ReadinessAction,
  type ReadinessView,
} from './readiness/describeReadiness.js';
export { registerCore } from './registerCore.js';
export {
  SubmitFlow,
  type SubmitFlowHooks,
  type SubmitFlowOptions,
  type SubmitFlowSnapshot,
  type SubmitPhase,
} from './SubmitFlow.js';
export {
  type Artifact,
  type ArtifactKind,
  ArtifactKindSchema,
  ArtifactSchema,
} from './schemas/Artifact.js';
export {
  type Experiment,
  ExperimentIdSchema,
  type ExperimentRelation,
  ExperimentRelationSchema,
  ExperimentSchema,
  type ExperimentStatus,
  ExperimentStatusSchema,
  ExperimentTagSchema,
  ModelNameSchema,
  type ModelRef,
  ModelRefSchema,
  type ModelVersion,
  ModelVersionSchema,
  RegisteredModelNameSchema,
} from './schemas/Experiment.js';
export {
  type JobError,
  JobErrorSchema,
  type JobEvent,
  JobEventSchema,
  type JobEventType,
} from './schemas/JobEvent.js';
export { type JobId, JobIdSchema } from './schemas/JobId.js';
export {
  type Device,
  DeviceSchema,
  type JobSpec,
  type JobSpecInput,
  JobSpecSchema,
  type ModelSource,
  ModelSourceSchema,
  PIPELINE_PROFILE,
  PREDICT_INPUT_ROLE,
  PREDICT_TAG,
  type PredictSpec,
  PredictSpecSchema,
} from './schemas/JobSpec.js';
export { isFinalJobState, type JobState, JobStateSchema } from './schemas/JobState.js';
export { type Notice, NoticeSchema } from './schemas/Notice.js';
export {
  type DatasetSize,
  DatasetSizeSchema,
  type DurationEstimate,
  DurationEstimateSchema,
  type PresetName,
  PresetNameSchema,
  type TrainingPreset,
  TrainingPresetSchema,
} from './schemas/Preset.js';
export {
  type MetricLogs,
  MetricLogsSchema,
  type ProgressMessage,
  ProgressMessageSchema,
} from './schemas/ProgressMessage.js';
export {
  type ProfileReadiness,
  ProfileReadinessSchema,
  type WorkerReadiness,
  WorkerReadinessSchema,
} from './schemas/Readiness.js';
export { type Room, RoomSchema } from './schemas/Room.js';
export {
  type JobStage,
  JobStageSchema,
  STAGE_REF_PREFIX,
  StageNameSchema,
  type StageSpec,
  type StageSpecInput,
  StageSpecSchema,
  stageRefOf,
} from './schemas/StageSpec.js';
export {
  describeGpu,
  type GpuInfo,
  GpuInfoSchema,
  type WorkerInfo,
  WorkerInfoSchema,
  type WorkerStatus,
  WorkerStatusSchema,
} from './schemas/WorkerInfo.js';
export { TransferMeter, type TransferProgress } from './TransferProgress.js';
export type {
  ByteStreamHeader,
  ByteStreamReader,
  ByteStreamWriter,
  Transport,
  TransportStatus,
} from './Transport.js';
export {
  CLOCK,
  CONFIG_PROFILES,
  JOB_MANAGER_OPTIONS,
  JOB_STORE,
  PREFS,
  TRANSPORT,
} from './tokens.js';
export { type UploadOptions, uploadFile } from './uploadFile.js';
export { applyOverrides, type ConfigOverrides } from './validation/applyOverrides.js';
export {
  type BuiltinTrainerConfig,
  BuiltinTrainerConfigSchema,
  builtinConfigProfile,
  type SyntheticDataset,
  SyntheticDatasetSchema,
} from './validation/builtinConfigProfile.js';
export { BUILTIN_PRESETS } from './validation/builtinPresets.js';
export type { ConfigIssue, ConfigProfile, ValidationReport } from './validation/ConfigProfile.js';
export { ConfigProfileRegistry, validateWithProfile } from './validation/ConfigProfileRegistry.js';
export { type ConfigFields, readField, writeField } from './validation/configFields.js';
export { parseConfigText } from './validation/parseConfigText.js';
export {
  mergeConfig,
  PIPELINE_PRESETS,
  type PipelinePreset,
  type PipelinePresetOptions,
  pipelinePresetFor,
  pipelineSpec,
} from './validation/pipelinePresets.js';
export {
  type PytorchTrainerConfig,
  PytorchTrainerConfigSchema,
  pytorchConfigProfile,
} from './validation/pytorchConfigProfile.js';
export { SleapNnConfigSchema, sleapNnConfigProfile } from './validation/sleapNnConfigProfile.js';
export {
  PRESET_NAMES,
  type ProfilePresets,
  presetsFor,
  TRAINING_PRESETS,
} from './validation/trainingPresets.js';
export { type SnapshotSource, whenSnapshot } from './whenSnapshot.js';
export {
  chooseWorker,
  type WorkerChoiceResult,
  type WorkerRequest,
} from './workers/chooseWorker.js';
export {
  type ListAcrossWorkersOptions,
  type ListMethod,
  type ListRow,
  listAcrossWorkers,
  type MergedList,
  type MergedRow,
  type WorkerConnection,
  type WorkerListFailure,
} from './workers/listAcrossWorkers.js';
export { type Pickable, pickBestWorker } from './workers/pickBestWorker.js';
export {
  WorkerDirectory,
  type WorkerDirectoryOptions,
  type WorkerDirectorySnapshot,
  type WorkerEntry,
} from './workers/WorkerDirectory.js';
