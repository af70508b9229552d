import { z } from 'zod';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

/**
 * The environment the worker gives every trainer (see `docs/trainers.md`). Empty
 * variables count as unset.
 */
export const TrainerEnvSchema = z.object({
  TRAINWIRE_JOB_ID: z.string().min(1, 'TRAINWIRE_JOB_ID must name the job'),
  TRAINWIRE_CONFIG: z.string().min(1, 'TRAINWIRE_CONFIG must be the path of a JSON config file'),
  TRAINWIRE_RUN_DIR: z.string().min(1, 'TRAINWIRE_RUN_DIR must be a writable folder'),
  TRAINWIRE_CHECKPOINT_DIR: z.string().min(1, 'TRAINWIRE_CHECKPOINT_DIR must be a writable folder'),
  TRAINWIRE_RESUME: optional,
  TRAINWIRE_DEVICE: z.enum(['cpu', 'cuda']).default('cpu'),
  TRAINWIRE_ZMQ_PUBLISH: optional,
  TRAINWIRE_ZMQ_CONTROL: optional,
  TRAINWIRE_BASE_MODEL: optional,
  TRAINWIRE_FINE_TUNE: optional,
  TRAINWIRE_RUN_NAME: optional,
  TRAINWIRE_INPUT_DATASET: optional,
  TRAINWIRE_DATASET_DIR: optional,
  TRAINWIRE_MODE: z.enum(['train', 'predict']).optional(),
  TRAINWIRE_MODEL: optional,
  TRAINWIRE_PREDICTIONS: optional,
  TRAINWIRE_INPUT_INPUT: optional,
});

/** The parsed trainer environment. */
export type TrainerEnv = z.infer<typeof TrainerEnvSchema>;
