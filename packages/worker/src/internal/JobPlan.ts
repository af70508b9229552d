// The plan of a job a JobRunner runs: its stages (one for a plain job), and what it needs.
import { type JobSpec, type JobStage, stageRefOf } from '@trainwire/core';
import type { TrainerProfile } from '../config/WorkerConfig.js';
import type { TrainerLauncher } from '../runner/TrainerLauncher.js';
import type { ProgressLink } from '../runner/TrainerProcess.js';
import type { ArtifactStore, ModelVersion } from '../store/ArtifactStore.js';
import type { ExperimentStore } from '../store/ExperimentStore.js';
import type { SqliteJobStore } from '../store/SqliteJobStore.js';
import type { DiskSpace } from './DiskSpace.js';
import type { FileModes } from './FileModes.js';
import type { WorkerEventHub } from './WorkerEventHub.js';

/** What a job runner needs from the worker. */
export interface JobRunnerDeps {
  hub: WorkerEventHub;
  jobs: SqliteJobStore;
  artifacts: ArtifactStore;
  experiments: ExperimentStore;
  createLink: () => Promise<ProgressLink>;
  /** Starts the trainer: a local process, a Slurm job, … */
  launcher: TrainerLauncher;
  /** Modes of the run folder, its config and what the trainer writes there. */
  modes: FileModes;
  now: () => number;
  space: DiskSpace;
  workerName: () => string;
  /** A finished job's model became the active version of its name: tell subscribers. */
  modelActivated: (model: ModelVersion, previousVersion?: number) => void;
}

/**
 * One trainer a job runs: the job itself, or one stage of a pipeline, each with its own
 * run folder, config, checkpoints and model.
 */
export interface StagePlan {
  /** Its place in the pipeline; absent for a job without stages. */
  stage?: JobStage;
  profile: TrainerProfile;
  config: Record<string, unknown>;
  /** Its own folder: the job's run folder, or `<run dir>/stages/<name>` for a stage. */
  runDir: string;
  device: 'cpu' | 'cuda';
  /** Resolved input paths; a `stage:NAME` value becomes that stage's model as it starts. */
  inputs: Record<string, string>;
  resume: string | undefined;
  /** The registered model's file a fine-tune starts from (`spec.fineTune`). */
  baseModel?: string;
  /** Finished in the run this job resumes: not run again, its model is this file. */
  reusedModel?: string;
  /** A predict job: the model file it runs (its predictions go to the run folder). */
  predictModel?: string;
  /** The epochs its config asks for, where its profile's rules say. */
  totalEpochs?: number;
}

/** Where a job lives and how it runs. */
export interface JobPlan {
  jobId: string;
  spec: JobSpec;
  profile: TrainerProfile;
  runDir: string;
  device: 'cpu' | 'cuda';
  /** Resolved input paths and resume checkpoint (already checked against the mounts). */
  inputs: Record<string, string>;
  resume: string | undefined;
  /** The registered model's file a fine-tune starts from (`spec.fineTune`). */
  baseModel?: string;
  datasetDir: string;
  builtinTrainer: string | undefined;
  /** A pipeline's stages, in order (the fields above are then its first stage's). */
  stages?: StagePlan[];
  /** A predict job: the model file it runs. */
  predictModel?: string;
  /** The epochs its config asks for, where its profile's rules say (of its first stage). */
  totalEpochs?: number;
}

/** The stage's inputs with each `stage:NAME` replaced by that stage's model, or why not. */
export function stageInputs(
  stage: StagePlan,
  models: ReadonlyMap<string, string>,
): Record<string, string> | string {
  const inputs: Record<string, string> = {};
  for (const [role, value] of Object.entries(stage.inputs)) {
    const ref = stageRefOf(value);
    if (ref === undefined) {
      inputs[role] = value;
      continue;
    }
    const model = models.get(ref);
    if (model === undefined) {
      return `stage ${stage.stage?.name} needs the model of stage ${ref} (input ${role}), but stage ${ref} saved no checkpoint; make it save one and run the pipeline again`;
    }
    inputs[role] = model;
  }
  return inputs;
}

/** The one stage of a job without stages: the job itself. */
export function plainStage(plan: JobPlan): StagePlan {
  return {
    profile: plan.profile,
    config: plan.spec.config,
    runDir: plan.runDir,
    device: plan.device,
    inputs: plan.inputs,
    resume: plan.resume,
    ...(plan.baseModel === undefined ? {} : { baseModel: plan.baseModel }),
    ...(plan.predictModel === undefined ? {} : { predictModel: plan.predictModel }),
    ...(plan.totalEpochs === undefined ? {} : { totalEpochs: plan.totalEpochs }),
  };
}
