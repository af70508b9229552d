import { z } from 'zod';
import type { PathResolution } from './paths/PathResolution.js';
import type { JobError } from './schemas/JobEvent.js';
import type { ConfigIssue } from './validation/ConfigProfile.js';

// An error's `details` travel as an open record (the wire stays forward compatible); this
// gives each code its shape, checked once here, so no view needs a cast.

const ConfigIssueSchema = z.object({
  path: z.string(),
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
});

/** Where a job that ended early left off: what a failure dialog shows and resumes from. */
export interface JobPosition {
  /** Epochs done, as the worker counts them from its checkpoints. */
  epoch?: number | null;
  checkpointDir?: string | null;
  lastCheckpoint?: string | null;
  resumeCommand?: string | null;
}

const JobPositionSchema = z.object({
  epoch: z.number().nullable().optional(),
  checkpointDir: z.string().nullable().optional(),
  lastCheckpoint: z.string().nullable().optional(),
  resumeCommand: z.string().nullable().optional(),
});

/** The `details` each error code carries. */
export interface ErrorDetailsByCode {
  /** The config was refused: every issue, with its field path. */
  config_invalid: { issues: readonly ConfigIssue[] };
  /** Inputs the worker lacks, with ranked candidates (the path dialog's model). */
  paths_missing: { resolution: PathResolution };
  /** An upload cut off midway; submitting the same job again resumes it. */
  upload_interrupted: { resumable: true; file: string; bytes: number; total: number };
  /** A job that ended before its last epoch, and where it left off. */
  job_ended: JobPosition;
}

const UploadSchema = z.object({
  resumable: z.literal(true),
  file: z.string(),
  bytes: z.number(),
  total: z.number(),
});

/** Error codes whose details say where the job left off. */
const ENDING_CODES = new Set([
  'trainer_failed',
  'worker_stopped',
  'worker_restarted',
  'no_space',
  'store_failed',
  'cancelled',
]);

/**
 * The typed details of `error` for `kind`, or undefined when the error is of another kind
 * or its details do not have the shape (a worker of another version).
 *
 * @example
 * ```ts
 * const issues = detailsOf(snapshot.error, 'config_invalid')?.issues ?? [];
 * const checkpoint = detailsOf(snapshot.error, 'job_ended')?.lastCheckpoint;
 * ```
 */
export function detailsOf<K extends keyof ErrorDetailsByCode>(
  error: JobError | null | undefined,
  kind: K,
): ErrorDetailsByCode[K] | undefined {
  const details = error?.details;
  if (error === null || error === undefined || details === undefined) return undefined;
  const parsed = parserOf(kind, error.code, details);
  return parsed as ErrorDetailsByCode[K] | undefined;
}

function parserOf(kind: keyof ErrorDetailsByCode, code: string, details: object): unknown {
  switch (kind) {
    case 'config_invalid': {
      if (code !== 'config_invalid') return undefined;
      const issues = z.array(ConfigIssueSchema).safeParse((details as { issues?: unknown }).issues);
      return issues.success ? { issues: issues.data } : undefined;
    }
    case 'paths_missing': {
      if (code !== 'paths_missing') return undefined;
      const resolution = (details as { resolution?: unknown }).resolution;
      return isResolution(resolution) ? { resolution } : undefined;
    }
    case 'upload_interrupted': {
      const upload = UploadSchema.safeParse(details);
      return upload.success ? upload.data : undefined;
    }
    case 'job_ended': {
      // Any failure may say where it left off; the known ending codes always do.
      const position = JobPositionSchema.safeParse(details);
      if (!position.success) return undefined;
      const known = Object.keys(position.data).length > 0;
      return known || ENDING_CODES.has(code) ? position.data : undefined;
    }
  }
}

function isResolution(value: unknown): value is PathResolution {
  if (typeof value !== 'object' || value === null) return false;
  const { entries, unresolved } = value as { entries?: unknown; unresolved?: unknown };
  return Array.isArray(entries) && typeof unresolved === 'number';
}
