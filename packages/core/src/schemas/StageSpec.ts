import { z } from 'zod';

/** Where the trainer should run: `auto` picks the GPU when the worker has one. */
export const DeviceSchema = z.enum(['auto', 'cpu', 'gpu']);

/**
 * A stage's name: 1–64 letters, digits, `.`, `_` and `-`, starting with a letter or digit.
 * It names the stage's run folder on the worker and is the `what` its progress carries.
 */
export const StageNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a stage name is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. "centroid")',
  );

/** The prefix of an input value that names an earlier stage's model: `stage:centroid`. */
export const STAGE_REF_PREFIX = 'stage:';

/**
 * One stage of a pipeline job: a trainer profile with its own config and inputs. An input
 * value `stage:NAME` is the model an earlier stage of the same job produced.
 */
export const StageSpecSchema = z
  .object({
    name: StageNameSchema,
    /** Id of a trainer profile the worker offers. */
    profile: z.string().min(1, 'profile must name a trainer profile, e.g. "builtin"').max(128),
    config: z.record(z.string(), z.unknown()).default({}),
    /** Input files by role: a path on the worker, or `stage:NAME` (an earlier stage's model). */
    inputs: z.record(z.string().min(1).max(128), z.string().min(1).max(4096)).default({}),
    /** Where this stage runs; the job's `device` when absent. */
    device: DeviceSchema.optional(),
  })
  .strict();

/** Where a job event stands in a pipeline: stage `index` (0-based) of `count`, and its name. */
export const JobStageSchema = z
  .object({
    index: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    name: StageNameSchema,
  })
  .strict();

/** A validated pipeline stage. */
export type StageSpec = z.infer<typeof StageSpecSchema>;
/** A stage as a caller writes it (defaults not yet applied). */
export type StageSpecInput = z.input<typeof StageSpecSchema>;
/** A stage position: `{index, count, name}`. */
export type JobStage = z.infer<typeof JobStageSchema>;

/** The stage name an input value refers to (`stage:centroid` → `centroid`), or undefined. */
export function stageRefOf(value: string): string | undefined {
  return value.startsWith(STAGE_REF_PREFIX) ? value.slice(STAGE_REF_PREFIX.length) : undefined;
}
