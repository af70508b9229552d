import { BuiltinTrainerConfigSchema, SyntheticDatasetSchema } from '@trainwire/core';
import { z } from 'zod';

/**
 * The built-in trainer's config (the JSON file named by `TRAINWIRE_CONFIG`): core's
 * `builtin` profile schema, so the client's validation and the trainer's agree.
 */
export const TrainerConfigSchema = BuiltinTrainerConfigSchema;
export { SyntheticDatasetSchema };

/** A validated built-in trainer config. */
export type TrainerConfig = z.infer<typeof TrainerConfigSchema>;
/** A built-in trainer config as written (defaults not applied). */
export type TrainerConfigInput = z.input<typeof TrainerConfigSchema>;
/** Settings of a synthetic dataset. */
export type SyntheticDataset = z.infer<typeof SyntheticDatasetSchema>;

/** Config of the `generate-dataset` mode. */
export const GenerateDatasetConfigSchema = SyntheticDatasetSchema.extend({
  name: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._-]+$/, 'name may use letters, digits, ".", "_" and "-"'),
  format: z.enum(['csv', 'jsonl']).default('csv'),
  /** Replace a dataset of the same name; without it an existing dataset is kept. */
  overwrite: z.boolean().default(false),
}).strict();

/** A validated `generate-dataset` config. */
export type GenerateDatasetConfig = z.infer<typeof GenerateDatasetConfigSchema>;
