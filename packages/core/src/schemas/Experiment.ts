import { z } from 'zod';
import { ArtifactSchema } from './Artifact.js';
import { JobStateSchema } from './JobState.js';
import { MetricLogsSchema } from './ProgressMessage.js';

/**
 * An experiment's id: like a job id, one path segment of letters, digits, `.`, `_` and
 * `-`, starting with a letter or digit. A job started without an experiment gets one whose
 * id is the job's id.
 */
export const ExperimentIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'an experiment id is letters, digits, ".", "_" and "-", starting with a letter or digit',
  );

/** `created` (no job yet), then the state of its latest job. */
export const ExperimentStatusSchema = z.enum(['created', ...JobStateSchema.options]);

/**
 * How an experiment derives from its parent: `continue` (from a checkpoint), `retry`, or
 * `fine-tune` (from a registered model; the parent is the model's experiment).
 */
export const ExperimentRelationSchema = z.enum(['continue', 'retry', 'fine-tune']);

/** A registered model version an experiment starts from (a fine-tune). */
export const ModelRefSchema = z.object({
  name: z.string().min(1).max(200),
  version: z.number().int().positive(),
});

/** A tag on an experiment. */
export const ExperimentTagSchema = z
  .string()
  .min(1, 'a tag must not be empty')
  .max(64)
  .regex(/^[^\s,]+$/, 'a tag has no spaces or commas');

/** A training run as a person thinks of it: a name, a config, where it came from. */
export const ExperimentSchema = z.object({
  id: ExperimentIdSchema,
  name: z.string().min(1).max(200),
  /** Preset or trainer profile it was started with. */
  preset: z.string().max(128).optional(),
  config: z.record(z.string(), z.unknown()),
  /** The experiment this one derives from. */
  parentId: ExperimentIdSchema.optional(),
  relation: ExperimentRelationSchema.optional(),
  /** Checkpoint (a path on the worker) it starts from. */
  checkpointSource: z.string().max(4096).optional(),
  /** The registered model version it was fine-tuned from (`relation: "fine-tune"`). */
  sourceModel: ModelRefSchema.optional(),
  status: ExperimentStatusSchema,
  /** Sorted, unique (a job's own tags may hold spaces; `experiment.tag` adds none). */
  tags: z.array(z.string().min(1).max(64)),
  /** Its latest job. */
  jobId: z.string().max(128).optional(),
  /** Milliseconds since the epoch, on the worker's clock. */
  createdAt: z.number().nonnegative(),
  updatedAt: z.number().nonnegative(),
  /** When its latest job ended. */
  finishedAt: z.number().nonnegative().optional(),
  /** The last `epoch_end` logs of its latest job. */
  finalMetrics: MetricLogsSchema.optional(),
});

/** The name `model.register` gives a model: letters, digits, `_` and `-`. */
export const ModelNameSchema = z
  .string()
  .min(1, 'a model name must not be empty')
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'a model name is letters, digits, "_" and "-"');

/**
 * The name of a model already in a registry: `model.register` takes only
 * {@link ModelNameSchema}, but a job registers its model under its run's name, which may
 * hold spaces.
 */
export const RegisteredModelNameSchema = z.string().min(1).max(200);

/** One registered version of a model: the artifact it is, and whether it is the active one. */
export const ModelVersionSchema = z.object({
  name: RegisteredModelNameSchema,
  version: z.number().int().positive(),
  artifactId: z.string().min(1).max(128),
  /** The experiment whose run produced it. */
  experimentId: ExperimentIdSchema.optional(),
  active: z.boolean(),
  createdAt: z.number().nonnegative(),
  /** The registered file. */
  artifact: ArtifactSchema.optional(),
});

/** An experiment. */
export type Experiment = z.infer<typeof ExperimentSchema>;
/** `created` or a job state. */
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;
/** A model version by name and number. */
export type ModelRef = z.infer<typeof ModelRefSchema>;
/** `continue`, `retry` or `fine-tune`. */
export type ExperimentRelation = z.infer<typeof ExperimentRelationSchema>;
/** A registered model version. */
export type ModelVersion = z.infer<typeof ModelVersionSchema>;
