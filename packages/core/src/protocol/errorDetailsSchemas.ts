import { z } from 'zod';

const path = z.string().max(4096);
const bytes = z.number().int().nonnegative();

/** Where a job that ended early left off (every ending code but `spawn_failed` says it). */
export const JobPositionSchema = z.object({
  /** Epochs done, as the worker counts them from its checkpoints. */
  epoch: z.number().nullable().optional(),
  /** The epochs the run was to train (the trainer's `train_begin`, else its config's). */
  totalEpochs: z.number().int().nonnegative().optional(),
  checkpointDir: z.string().nullable().optional(),
  lastCheckpoint: z.string().nullable().optional(),
  resumeCommand: z.string().nullable().optional(),
  /** The pipeline stage that ended the job (pipeline jobs only). */
  stage: z
    .object({ index: z.number().int(), count: z.number().int(), name: z.string() })
    .optional(),
  /** Names of the pipeline's stages that finished (their models stay registered). */
  completedStages: z.array(z.string()).optional(),
});

/** One finding of config validation (a profile's rule), with the field's dotted path. */
export const ConfigIssueSchema = z.object({
  path: z.string(),
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
});

/**
 * Why an artifact is still needed (`artifact_in_use`): `model_version` — a registered model
 * version is its file; `active_model` — the active version of a model is; `fine_tune` — a
 * running job fine-tunes from that model version; `resume` — a running job resumes from
 * it; `running_job` — the job that writes it still runs.
 */
export const ArtifactUseSchema = z.discriminatedUnion('use', [
  z.object({ use: z.literal('model_version'), name: z.string(), version: z.number().int() }),
  z.object({ use: z.literal('active_model'), name: z.string(), version: z.number().int() }),
  z.object({
    use: z.literal('fine_tune'),
    name: z.string(),
    version: z.number().int(),
    jobId: z.string(),
  }),
  z.object({ use: z.literal('resume'), jobId: z.string() }),
  z.object({ use: z.literal('running_job'), jobId: z.string() }),
]);

/** One reason an artifact is still needed; see {@link ArtifactUseSchema}. */
export type ArtifactUse = z.output<typeof ArtifactUseSchema>;

/**
 * The `details` of each wire error code that carries them, as a worker sends them. A code
 * missing here carries none. Fields a newer worker adds are kept (the objects are open).
 */
export const WIRE_ERROR_DETAILS = {
  bad_params: z.object({
    issues: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
  unsupported_version: z.object({
    /** The version the answering peer speaks. */
    speaks: z.number().int(),
    /** The version of the frame it could not read. */
    received: z.number(),
  }),
  config_invalid: z.object({
    issues: z.array(ConfigIssueSchema).optional(),
    /** The unknown parent experiment, when that was the problem. */
    parentExperiment: z.string().optional(),
  }),
  path_denied: z.object({ path, reason: z.string() }),
  not_found: z.object({ path }),
  not_a_file: z.object({ path }),
  bad_offset: z.object({ path, size: bytes }),
  not_owner: z.object({ jobId: z.string(), ownerCredentialId: z.string().nullable() }),
  no_space: JobPositionSchema.extend({
    /** The folder that is short: the data dir, or the uploads folder. */
    dataDir: z.string().optional(),
    dir: z.string().optional(),
    freeBytes: bytes.nullable(),
    neededBytes: bytes.optional(),
  }),
  trainer_failed: JobPositionSchema.extend({
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    lastLines: z.array(z.string()),
  }),
  store_failed: JobPositionSchema,
  worker_stopped: JobPositionSchema,
  worker_restarted: JobPositionSchema.extend({
    /** The job's last sign of life, ms since the epoch. */
    endedAt: z.number().optional(),
  }),
  unknown_experiment: z.object({ experimentId: z.string() }),
  experiment_running: z.object({ experimentId: z.string(), jobId: z.string() }),
  experiment_in_use: z.object({
    experimentId: z.string(),
    /** Ids of the experiments that derive from it. */
    children: z.array(z.string()).optional(),
    /** `name@version` of the registered models made from its artifacts. */
    models: z.array(z.string()).optional(),
  }),
  experiment_state: z.object({ experimentId: z.string(), status: z.string() }),
  unknown_artifact: z.object({ artifactId: z.string() }),
  unknown_model: z.object({ name: z.string(), version: z.number().int().optional() }),
  model_active: z.object({ name: z.string(), version: z.number().int() }),
  model_in_use: z.object({ name: z.string(), version: z.number().int(), jobId: z.string() }),
  artifact_in_use: z.object({
    artifactId: z.string(),
    /** Every reason it is still needed (at least one). */
    uses: z.array(ArtifactUseSchema).min(1),
  }),
  name_taken: z.object({ artifactId: z.string(), name: z.string(), path }),
  dataset_exists: z.object({ name: z.string(), path }),
} as const;

/** Wire error codes that carry `details`. */
export type WireDetailsCode = keyof typeof WIRE_ERROR_DETAILS;

/** The `details` of `code`. */
export type WireErrorDetails<C extends WireDetailsCode> = z.output<(typeof WIRE_ERROR_DETAILS)[C]>;
