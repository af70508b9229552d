import { z } from 'zod';
import { DeviceSchema } from './JobSpec.js';
import { GpuInfoSchema } from './WorkerInfo.js';

/** Whether one trainer profile of a worker can run now, and why not. */
export const ProfileReadinessSchema = z.object({
  profile: z.string().min(1).max(128),
  ready: z.boolean(),
  /** The program the profile's command starts, and whether the worker found it. */
  command: z.object({ program: z.string().max(4096), found: z.boolean() }),
  /** The profile's own self-check, when it has one (the `pytorch` profile's `--self-check`). */
  selfCheck: z
    .object({
      ok: z.boolean(),
      /** One line: "torch 2.3.0 on cuda" or what is missing. */
      summary: z.string().max(1024),
      exitCode: z.number().int().nullable(),
    })
    .optional(),
  /** Why it cannot run, in words a user acts on; absent when ready. */
  reason: z.string().max(1024).optional(),
  /** The last lines of what the checks printed (at most 40). */
  log: z.array(z.string().max(2048)).max(40),
});

/** What `worker.readiness` answers: the GPU, the devices a job may ask for, each profile. */
export const WorkerReadinessSchema = z.object({
  gpu: z.object({
    /** "GPU: NVIDIA A100 (40960 MiB)" or "GPU: Not detected". */
    summary: z.string().max(1024),
    gpus: z.array(GpuInfoSchema),
  }),
  /** The operator made the worker CPU-only: no GPU is offered even when one is there. */
  cpuOnly: z.boolean(),
  /** The device choices a job may use here (`["cpu"]` without a GPU or when CPU-only). */
  devices: z.array(DeviceSchema).min(1),
  profiles: z.array(ProfileReadinessSchema),
  /** When the checks ran, ms since the epoch (the worker's clock). */
  checkedAt: z.number().nonnegative(),
  /** How long the worker keeps this answer before it checks again, ms. */
  ttlMs: z.number().int().nonnegative(),
  /** True when this answer came from the cache (`refresh: true` checks again). */
  cached: z.boolean(),
});

/** One profile's readiness. */
export type ProfileReadiness = z.infer<typeof ProfileReadinessSchema>;
/** A worker's readiness. */
export type WorkerReadiness = z.infer<typeof WorkerReadinessSchema>;
