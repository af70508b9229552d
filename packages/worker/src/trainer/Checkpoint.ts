import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { toFieldIssues } from '@trainwire/core';
import { z } from 'zod';

/** What the built-in trainer writes to a checkpoint file (JSON). */
export const CheckpointSchema = z.object({
  format: z.literal('trainwire-mlp-checkpoint'),
  version: z.literal(1),
  /** Epochs completed; a resumed run starts at this (0-based) epoch. */
  epoch: z.number().int().nonnegative(),
  sizes: z.array(z.number().int().positive()).min(2),
  params: z.array(z.array(z.number())),
  adam: z.object({
    t: z.number().int().nonnegative(),
    m: z.array(z.array(z.number())),
    v: z.array(z.array(z.number())),
  }),
  /** State of the seeded generator after the epoch, so shuffles continue identically. */
  rng: z.number().int().nonnegative(),
  bestValLoss: z.number().nullable(),
  normalization: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
  labels: z.array(z.string()),
  featureNames: z.array(z.string()),
  metrics: z.record(z.string(), z.number().nullable()),
});

/** A built-in trainer checkpoint. */
export type Checkpoint = z.infer<typeof CheckpointSchema>;

/** Writes a checkpoint atomically (a reader never sees half a file). */
export function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(checkpoint));
  renameSync(tmp, path);
}

/** Reads and validates a checkpoint; throws an error that names the file and the field. */
export function loadCheckpoint(path: string): Checkpoint {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read checkpoint ${path}: ${(error as Error).message}`);
  }
  const parsed = CheckpointSchema.safeParse(raw);
  if (!parsed.success) {
    const [issue] = toFieldIssues(parsed.error);
    throw new Error(
      `${path} is not a built-in trainer checkpoint (${issue?.path}: ${issue?.message})`,
    );
  }
  return parsed.data;
}
