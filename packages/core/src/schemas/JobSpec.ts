import { z } from 'zod';
import { ExperimentIdSchema } from './Experiment.js';

/** Where the trainer should run: `auto` picks the GPU when the worker has one. */
export const DeviceSchema = z.enum(['auto', 'cpu', 'gpu']);

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
  })
  .strict();

/** A validated job specification. */
export type JobSpec = z.infer<typeof JobSpecSchema>;
/** A job specification as a caller writes it (defaults not yet applied). */
export type JobSpecInput = z.input<typeof JobSpecSchema>;
/** `auto`, `cpu` or `gpu`. */
export type Device = z.infer<typeof DeviceSchema>;
