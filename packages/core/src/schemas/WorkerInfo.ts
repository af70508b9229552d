import { z } from 'zod';

/** A GPU as the worker detected it (`nvidia-smi`). */
export const GpuInfoSchema = z.object({
  name: z.string().max(256),
  memoryMiB: z.number().int().nonnegative(),
  driver: z.string().max(64).optional(),
  cuda: z.string().max(64).optional(),
});

/** Whether a worker takes jobs now. */
export const WorkerStatusSchema = z.enum(['available', 'reserved', 'busy']);

/** What a worker tells clients about itself. */
export const WorkerInfoSchema = z.object({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(128),
  /** `null` when no GPU was detected ("GPU: Not detected") or the worker is CPU-only. */
  gpu: GpuInfoSchema.nullable(),
  /** Every GPU of the machine, when it has more than one (`gpu` is the one jobs get). */
  gpus: z.array(GpuInfoSchema).optional(),
  cpu: z.object({ model: z.string().max(256), cores: z.number().int().positive() }),
  ramMiB: z.number().int().nonnegative(),
  status: WorkerStatusSchema,
  versions: z.record(z.string(), z.string()).default({}),
  /** Trainer profile ids and features this worker offers. */
  capabilities: z.array(z.string().max(128)).default([]),
  tags: z.array(z.string().max(64)).default([]),
});

/** A worker's description. */
export type WorkerInfo = z.infer<typeof WorkerInfoSchema>;
/** A detected GPU. */
export type GpuInfo = z.infer<typeof GpuInfoSchema>;
/** `available`, `reserved` or `busy`. */
export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

/** "NVIDIA A100 (40960 MiB)" or "Not detected", as the dialogs show it. */
export function describeGpu(gpu: GpuInfo | null): string {
  return gpu ? `${gpu.name} (${gpu.memoryMiB} MiB)` : 'Not detected';
}
