import { z } from 'zod';

/** The presets every trainer profile with presets offers, shortest first. */
export const PresetNameSchema = z.enum(['quick', 'standard', 'epic']);

/**
 * How long a run is expected to take, from the worker's own history of epoch durations for
 * that profile and dataset size: `{seconds, basedOnJobs}`, or `{noHistory: true}` when the
 * worker never completed a comparable job — never a guess without history.
 */
export const DurationEstimateSchema = z.union([
  z
    .object({
      seconds: z.number().nonnegative(),
      /** How many completed jobs the estimate comes from. */
      basedOnJobs: z.number().int().positive(),
    })
    .strict(),
  z.object({ noHistory: z.literal(true) }).strict(),
]);

/** The size of a job's dataset: synthetic samples, or the bytes of its dataset file. */
export const DatasetSizeSchema = z
  .object({
    value: z.number().nonnegative(),
    unit: z.enum(['samples', 'bytes']),
  })
  .strict();

/** One preset of a trainer profile as `preset.list` answers it. */
export const TrainingPresetSchema = z.object({
  name: PresetNameSchema,
  /** The full config it stands for (a user may inspect and override any field). */
  config: z.record(z.string(), z.unknown()),
  /** Epochs the config asks for. */
  epochs: z.number().int().positive(),
  datasetSize: DatasetSizeSchema,
  estimate: DurationEstimateSchema,
});

/** `quick`, `standard` or `epic`. */
export type PresetName = z.infer<typeof PresetNameSchema>;
/** A duration estimate, or `{noHistory: true}`. */
export type DurationEstimate = z.infer<typeof DurationEstimateSchema>;
/** A dataset size with its unit. */
export type DatasetSize = z.infer<typeof DatasetSizeSchema>;
/** A preset with its config and estimate. */
export type TrainingPreset = z.infer<typeof TrainingPresetSchema>;
