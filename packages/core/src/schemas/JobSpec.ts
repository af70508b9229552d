import { z } from 'zod';
import { ExperimentIdSchema } from './Experiment.js';
import { DeviceSchema, StageSpecSchema } from './StageSpec.js';

export { DeviceSchema };

/**
 * The model a predict job runs: a registered model (`{name, version?}`, by default its
 * active version), an artifact of the worker (`{artifactId}`: a model or checkpoint), or
 * a file on the worker (`{path}`, inside a mount).
 */
export const ModelSourceSchema = z.union([
  z
    .object({
      name: z.string().min(1).max(200),
      version: z.number().int().positive().optional(),
    })
    .strict(),
  z.object({ artifactId: z.string().min(1).max(128) }).strict(),
  z.object({ path: z.string().min(1).max(4096) }).strict(),
]);

/** What a predict job runs: the model; its input is the job's input of role `input`. */
export const PredictSpecSchema = z.object({ model: ModelSourceSchema }).strict();

/** The input role a predict job reads its items from. */
export const PREDICT_INPUT_ROLE = 'input';

/**
 * The tag the worker puts on a predict job's experiment, so views tell predictions from
 * training runs (no Resume or Retry for it).
 */
export const PREDICT_TAG = 'predict';

/** The `profile` of a pipeline job (one with `stages`). */
export const PIPELINE_PROFILE = 'pipeline';

/** What a client asks a worker to run. */
export const JobSpecSchema = z
  .object({
    /** Id of a trainer profile the worker's operator declared (`builtin`, `sleap-nn`, …). */
    profile: z.string().min(1, 'profile must name a trainer profile, e.g. "builtin"').max(128),
    /** The trainer's configuration, checked by the profile's validation rules. */
    config: z.record(z.string(), z.unknown()).default({}),
    /** Input files by role (e.g. `labels` → `/data/a.slp`), as paths on the worker. */
    inputs: z.record(z.string().min(1).max(128), z.string().min(1).max(4096)).default({}),
    device: DeviceSchema.default('auto'),
    /** Checkpoint (a path on the worker) to resume from. */
    resume: z.string().min(1).max(4096).optional(),
    /**
     * The experiment the job runs in (made with `experiment.create`, `continue` or
     * `retry`); without it the worker creates one named after the job, whose id is the job id.
     */
    experimentId: ExperimentIdSchema.optional(),
    /** Experiment this one was derived from (fine-tune, resume, retry). */
    parentExperiment: z.string().min(1).max(128).optional(),
    name: z.string().min(1).max(200).optional(),
    /**
     * Start from the weights of a registered model (`version`: by default its active one):
     * the worker hands its file to the trainer as the base model (`TRAINWIRE_BASE_MODEL`,
     * fine-tuning on) and records the experiment with relation `fine-tune`.
     */
    fineTune: z
      .object({
        model: z.string().min(1).max(200),
        version: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    tags: z.array(z.string().min(1).max(64)).max(64).default([]),
    /**
     * A pipeline: 2–16 stages the worker runs in turn, each a profile with its config and
     * inputs. With stages, `profile` is `"pipeline"` and `config` / `inputs` stay empty;
     * `resume` names a checkpoint of one stage of an earlier run of the same pipeline.
     */
    stages: z.array(StageSpecSchema).min(2, 'a pipeline has at least 2 stages').max(16).optional(),
    /**
     * A predict job: the profile's trainer runs `model` over the job's input of role
     * `input` (a file on the worker, or uploaded) and writes a `predictions` artifact;
     * `config` is the trainer's predict settings.
     */
    predict: PredictSpecSchema.optional(),
  })
  .strict();

/** A validated job specification. */
export type JobSpec = z.infer<typeof JobSpecSchema>;
/** A job specification as a caller writes it (defaults not yet applied). */
export type JobSpecInput = z.input<typeof JobSpecSchema>;
/** Where a predict job's model comes from. */
export type ModelSource = z.infer<typeof ModelSourceSchema>;
/** A predict job's `predict` field. */
export type PredictSpec = z.infer<typeof PredictSpecSchema>;
/** `auto`, `cpu` or `gpu`. */
export type Device = z.infer<typeof DeviceSchema>;
