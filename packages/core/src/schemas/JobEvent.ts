import { z } from 'zod';
import { ArtifactSchema } from './Artifact.js';
import { JobIdSchema } from './JobId.js';
import { JobStateSchema } from './JobState.js';
import { ProgressMessageSchema } from './ProgressMessage.js';
import { JobStageSchema } from './StageSpec.js';

const base = {
  jobId: JobIdSchema,
  /** Position of the event in its job, from 1, without gaps. */
  seq: z.number().int().positive(),
  /** Milliseconds since the epoch, on the worker's clock. */
  ts: z.number().nonnegative(),
  /** The pipeline stage the event belongs to (pipeline jobs only). */
  stage: JobStageSchema.optional(),
};

/** The error a job reports; `code` is stable, `message` says what to do. */
export const JobErrorSchema = z.object({
  code: z.string().min(1).max(64),
  message: z.string().max(8192),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** Everything that happens to a job, numbered by `seq`. */
export const JobEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('state'),
    state: JobStateSchema,
    reason: z.string().max(2048).optional(),
    exitCode: z.number().int().nullable().optional(),
    error: JobErrorSchema.optional(),
  }),
  z.object({ ...base, type: z.literal('progress'), progress: ProgressMessageSchema }),
  z.object({
    ...base,
    type: z.literal('log'),
    stream: z.enum(['stdout', 'stderr']),
    line: z.string().max(16_384),
    /** A carriage-return update: it replaces the previous `replace` line of the stream. */
    replace: z.boolean().optional(),
  }),
  z.object({ ...base, type: z.literal('artifact'), artifact: ArtifactSchema }),
  z.object({ ...base, type: z.literal('error'), error: JobErrorSchema }),
]);

/** One job event. */
export type JobEvent = z.infer<typeof JobEventSchema>;
/** A typed job error. */
export type JobError = z.infer<typeof JobErrorSchema>;
/** The `type`s of job events. */
export type JobEventType = JobEvent['type'];
