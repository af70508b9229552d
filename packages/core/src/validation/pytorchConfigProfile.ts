import { z } from 'zod';
import type { ConfigIssue, ConfigProfile } from './ConfigProfile.js';
import { type ConfigFields, readField } from './configFields.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * Config of the worker's PyTorch keypoint trainer (`packages/worker/trainers/pytorch`).
 * Every field has a default, so `{}` is valid; the trainer's own `trainer_config.py` checks
 * the same fields and ranges, so a config refused here would be refused there too.
 */
export const PytorchTrainerConfigSchema = z
  .object({
    epochs: int(1, 100_000).default(10),
    batchSize: int(1, 65_536).default(16),
    learningRate: z.number().min(1e-8).max(10).default(0.003),
    seed: int(0, 2 ** 31 - 1).default(0),
    samples: int(8, 1_000_000).default(640),
    validationFraction: z.number().min(0).max(0.9).default(0.2),
    imageSize: int(16, 256)
      .refine((size) => size % 8 === 0, 'imageSize must be a multiple of 8 (three 2x poolings)')
      .default(32),
    keypoints: int(1, 16).default(2),
    noise: z.number().min(0).max(1).default(0.05),
    dataSeed: int(0, 2 ** 31 - 1).default(7),
    filters: int(1, 256).default(8),
    /** Write `epoch-NNNN.pt` every this many epochs; 0 keeps only `best.pt` and `last.pt`. */
    checkpointEvery: int(0, 100_000).default(1),
    /** CPU threads for torch; 0 keeps torch's default. */
    threads: int(0, 1024).default(0),
  })
  .strict();

/** A validated PyTorch trainer config. */
export type PytorchTrainerConfig = z.infer<typeof PytorchTrainerConfigSchema>;

const DEFAULT_EPOCHS = PytorchTrainerConfigSchema.shape.epochs.parse(undefined);

const FIELDS: ConfigFields = {
  epochs: ['epochs'],
  learningRate: ['learningRate'],
  batchSize: ['batchSize'],
};

function warnings(config: Record<string, unknown>): ConfigIssue[] {
  const c = config as PytorchTrainerConfig;
  return c.checkpointEvery === 0
    ? [
        {
          path: 'checkpointEvery',
          severity: 'warning',
          code: 'few_checkpoints',
          message: 'only best.pt and last.pt will be saved',
        },
      ]
    : [];
}

/** Validation profile of the PyTorch trainer (`pytorch`). */
export const pytorchConfigProfile: ConfigProfile = {
  id: 'pytorch',
  description: 'PyTorch keypoint CNN on synthetic images (needs torch and pyzmq on the worker)',
  schema: PytorchTrainerConfigSchema,
  rules: [warnings],
  fields: FIELDS,
  totalEpochs: (config) => {
    const epochs = readField(config, FIELDS.epochs);
    return typeof epochs === 'number' ? epochs : DEFAULT_EPOCHS;
  },
};
