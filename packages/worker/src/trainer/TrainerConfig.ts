import { z } from 'zod';

/** Settings of the synthetic classification task the built-in trainer can generate. */
export const SyntheticDatasetSchema = z
  .object({
    samples: z.number().int().min(10).max(10_000_000).default(1000),
    features: z.number().int().min(1).max(1024).default(2),
    classes: z.number().int().min(2).max(1024).default(3),
    /** "Diversity": 0 gives clean spirals, 1 gives heavily overlapping ones. */
    noise: z.number().min(0).max(1).default(0.1),
    seed: z.number().int().default(7),
  })
  .strict();

/**
 * The built-in trainer's config (the JSON file named by `TRAINWIRE_CONFIG`). Every field
 * has a default, so `{}` is a valid config.
 */
export const TrainerConfigSchema = z
  .object({
    epochs: z.number().int().min(1).max(100_000).default(20),
    batchSize: z.number().int().min(1).max(1_000_000).default(32),
    learningRate: z.number().gt(0).max(10).default(0.01),
    hiddenLayers: z.array(z.number().int().min(1).max(4096)).max(16).default([32, 32]),
    seed: z.number().int().default(42),
    validationFraction: z.number().min(0).lt(1).default(0.2),
    /** Save `epoch-NNNN.json` every this many epochs; 0 keeps only `best` and `last`. */
    checkpointEvery: z.number().int().min(0).default(1),
    dataset: z.object({ synthetic: SyntheticDatasetSchema.optional() }).strict().optional(),
  })
  .strict();

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
