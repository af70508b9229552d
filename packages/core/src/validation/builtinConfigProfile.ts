import { z } from 'zod';
import type { ConfigIssue, ConfigProfile } from './ConfigProfile.js';
import { type ConfigFields, readField } from './configFields.js';

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
 * Config of trainwire's built-in trainer (a small MLP trained with Adam). Every field has a
 * default, so `{}` is a valid config. The worker's trainer process reads the same schema.
 */
export const BuiltinTrainerConfigSchema = z
  .object({
    epochs: z.number().int().min(1, 'epochs must be at least 1').max(100_000).default(20),
    batchSize: z.number().int().min(1, 'batchSize must be at least 1').max(1_000_000).default(32),
    learningRate: z.number().gt(0, 'learningRate must be greater than 0').max(10).default(0.01),
    hiddenLayers: z.array(z.number().int().min(1).max(4096)).max(16).default([32, 32]),
    seed: z.number().int().default(42),
    validationFraction: z.number().min(0).lt(1, 'validationFraction must be below 1').default(0.2),
    /** Save a checkpoint every this many epochs; 0 keeps only `best` and `last`. */
    checkpointEvery: z.number().int().min(0).default(1),
    dataset: z.object({ synthetic: SyntheticDatasetSchema.optional() }).strict().optional(),
  })
  .strict();

/** Epochs of a config that does not set `epochs`: the schema's own default. */
const DEFAULT_EPOCHS = BuiltinTrainerConfigSchema.shape.epochs.parse(undefined);

/** Settings of a synthetic dataset. */
export type SyntheticDataset = z.infer<typeof SyntheticDatasetSchema>;
/** A validated built-in trainer config. */
export type BuiltinTrainerConfig = z.infer<typeof BuiltinTrainerConfigSchema>;

function rangeWarnings(config: Record<string, unknown>): ConfigIssue[] {
  const c = config as BuiltinTrainerConfig;
  const issues: ConfigIssue[] = [];
  if (c.epochs > 10_000) {
    issues.push({
      path: 'epochs',
      severity: 'warning',
      code: 'too_many_epochs',
      message: `${c.epochs} epochs is unusually many; check the value`,
    });
  }
  if (c.batchSize > 256) {
    issues.push({
      path: 'batchSize',
      severity: 'warning',
      code: 'large_batch_size',
      message: `batch size ${c.batchSize} is above 256 and may not fit in memory`,
    });
  }
  if (c.checkpointEvery === 0) {
    issues.push({
      path: 'checkpointEvery',
      severity: 'warning',
      code: 'few_checkpoints',
      message: 'only the best and last checkpoints will be saved',
    });
  }
  return issues;
}

const FIELDS: ConfigFields = {
  epochs: ['epochs'],
  learningRate: ['learningRate'],
  batchSize: ['batchSize'],
};

/** Validation profile of the built-in trainer (`builtin`). */
export const builtinConfigProfile: ConfigProfile = {
  id: 'builtin',
  description: "trainwire's built-in MLP trainer (synthetic data or a CSV/JSONL dataset)",
  schema: BuiltinTrainerConfigSchema,
  rules: [rangeWarnings],
  fields: FIELDS,
  totalEpochs: (config) => {
    const epochs = readField(config, FIELDS.epochs);
    return typeof epochs === 'number' ? epochs : DEFAULT_EPOCHS;
  },
};
