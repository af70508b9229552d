import { z } from 'zod';
import type { PathResolution } from './paths/PathResolution.js';
import {
  JobPositionSchema,
  WIRE_ERROR_DETAILS,
  type WireDetailsCode,
  type WireErrorDetails,
} from './protocol/errorDetailsSchemas.js';
import type { JobError } from './schemas/JobEvent.js';

// An error's `details` travel as an open record (the wire stays forward compatible); this
// gives each code its shape, checked once here, so no view needs a cast.

/** Where a job that ended early left off: what a failure dialog shows and resumes from. */
export type JobPosition = z.output<typeof JobPositionSchema>;

/** The `details` each error code carries: the wire's codes, and the client's own. */
export type ErrorDetailsByCode = { [C in WireDetailsCode]: WireErrorDetails<C> } & {
  /** Inputs the worker lacks, with ranked candidates (the path dialog's model; client side). */
  paths_missing: { resolution: PathResolution };
  /** An upload cut off midway; submitting the same job again resumes it (client side). */
  upload_interrupted: { resumable: true; file: string; bytes: number; total: number };
  /** Any job that ended before its last epoch, and where it left off (not a code: a kind). */
  job_ended: JobPosition;
};

/** Codes whose `details` have a known shape (`job_ended` is a kind, not a code). */
type DetailedCode = Exclude<keyof ErrorDetailsByCode, 'job_ended'>;

/**
 * An error whose details have the shape of its code: switch on `code` and read `details`
 * without a cast. Errors of codes without details are read by their `code` alone.
 */
export type TypedError = {
  [C in DetailedCode]: { code: C; message: string; details: ErrorDetailsByCode[C] };
}[DetailedCode];

const CLIENT_DETAILS = {
  paths_missing: z.object({
    resolution: z.custom<PathResolution>(isResolution, 'expected a path resolution'),
  }),
  upload_interrupted: z.object({
    resumable: z.literal(true),
    file: z.string(),
    bytes: z.number(),
    total: z.number(),
  }),
} as const;

const SCHEMAS: Record<string, z.ZodType | undefined> = { ...WIRE_ERROR_DETAILS, ...CLIENT_DETAILS };

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
 * `error` with its details checked against the shape of its code; undefined for a code
 * without details, or details that do not have the shape (a worker of another version).
 *
 * @example
 * ```ts
 * const typed = typedError(snapshot.error);
 * if (typed?.code === 'path_denied') console.log(typed.details.reason);
 * ```
 */
export function typedError(error: JobError | null | undefined): TypedError | undefined {
  if (error === null || error === undefined) return undefined;
  const schema = Object.hasOwn(SCHEMAS, error.code) ? SCHEMAS[error.code] : undefined;
  const parsed = schema?.safeParse(error.details);
  if (!parsed?.success) return undefined;
  return { code: error.code, message: error.message, details: parsed.data } as TypedError;
}

/**
 * The typed details of `error` for `kind`, or undefined when the error is of another kind
 * or its details do not have the shape (a worker of another version). `job_ended` is any
 * error that says where the job left off.
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
  if (error === null || error === undefined || error.details === undefined) return undefined;
  if (kind === 'job_ended') {
    // Any failure may say where it left off; the known ending codes always do.
    const position = JobPositionSchema.safeParse(error.details);
    if (!position.success) return undefined;
    const known = Object.keys(position.data).length > 0;
    return (known || ENDING_CODES.has(error.code) ? position.data : undefined) as
      | ErrorDetailsByCode[K]
      | undefined;
  }
  // An interrupted upload is said by several codes; every other kind is its own code.
  if (kind !== 'upload_interrupted' && error.code !== kind) return undefined;
  const parsed = SCHEMAS[kind]?.safeParse(error.details);
  return parsed?.success ? (parsed.data as ErrorDetailsByCode[K]) : undefined;
}

function isResolution(value: unknown): value is PathResolution {
  if (typeof value !== 'object' || value === null) return false;
  const { entries, unresolved } = value as { entries?: unknown; unresolved?: unknown };
  return Array.isArray(entries) && typeof unresolved === 'number';
}
