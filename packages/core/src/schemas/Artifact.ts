import { z } from 'zod';
import { MetricLogsSchema } from './ProgressMessage.js';

/** What an artifact is. */
export const ArtifactKindSchema = z.enum([
  'checkpoint',
  'model',
  'dataset',
  'log',
  'predictions',
  'video',
]);

/** A file a job produced (or a dataset it registered), kept by the worker. */
export const ArtifactSchema = z.object({
  id: z.string().min(1).max(128),
  kind: ArtifactKindSchema,
  /** Path on the worker. */
  path: z.string().min(1).max(4096),
  size: z.number().int().nonnegative(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits')
    .optional(),
  epoch: z.number().int().nonnegative().optional(),
  /** Labels such as `best` or `last` for checkpoints. */
  label: z.string().max(64).optional(),
  metrics: MetricLogsSchema.optional(),
  experimentId: z.string().max(128).optional(),
  /** The job that produced it (absent for one registered by hand). */
  jobId: z.string().max(128).optional(),
  /** When the worker registered it, ms since the epoch (the worker's clock). */
  createdAt: z.number().nonnegative().optional(),
});

/** A registered artifact. */
export type Artifact = z.infer<typeof ArtifactSchema>;
/** `checkpoint`, `model`, `dataset`, `log`, `predictions` or `video`. */
export type ArtifactKind = z.infer<typeof ArtifactKindSchema>;
