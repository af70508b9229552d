import type { z } from 'zod';

/** Codes of errors raised by `@trainwire/core`. */
export type CoreErrorCode =
  | 'validation_failed'
  | 'bad_frame'
  | 'protocol_error'
  | 'request_timeout'
  | 'remote_error'
  | 'transport_not_open'
  | 'transport_closed'
  | 'transfer_stalled'
  | 'stream_refused'
  | 'message_too_large'
  | 'message_empty'
  | 'submit_refused'
  | 'unknown_profile'
  | 'config_parse_failed'
  | 'unknown_exporter'
  | 'exporter_failed'
  | 'predict_failed'
  | 'no_predictions';

/**
 * Base class of every error `@trainwire/core` throws. Check `code` (or use
 * {@link isTrainwireError}), not `instanceof`: two copies of the package may be loaded.
 */
export class TrainwireError extends Error {
  override name = 'TrainwireError';
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** One problem found in an input: where, and what was expected. */
export interface FieldIssue {
  /** Dotted path of the field, `(root)` for the whole value. */
  path: string;
  message: string;
}

/** An input from outside did not match its schema. The message names every field. */
export class ValidationError extends TrainwireError {
  override name = 'ValidationError';
  readonly issues: readonly FieldIssue[];

  constructor(what: string, issues: readonly FieldIssue[], options: { cause?: unknown } = {}) {
    super('validation_failed', `invalid ${what}: ${formatFieldIssues(issues)}`, {
      cause: options.cause,
      details: { issues },
    });
    this.issues = issues;
  }
}

/** A peer answered a request with an error, or broke the protocol. */
export class RemoteError extends TrainwireError {
  override name = 'RemoteError';
}

/** The transport cannot carry a message now. */
export class TransportError extends TrainwireError {
  override name = 'TransportError';
}

/** True when `value` is an error from any copy of trainwire, optionally with `code`. */
export function isTrainwireError(value: unknown, code?: string): value is TrainwireError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { code?: unknown; name?: unknown };
  if (typeof candidate.code !== 'string' || typeof candidate.name !== 'string') return false;
  return code === undefined || candidate.code === code;
}

/**
 * Field issues as one line that names each field and what was expected:
 * `inputs.labels: Required; tags[2]: too long`.
 *
 * @example
 * ```ts
 * formatFieldIssues([{ path: 'jobId', message: 'Required' }]); // 'jobId: Required'
 * ```
 */
export function formatFieldIssues(issues: readonly { path: string; message: string }[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
}

/** Dotted path of a zod issue: `inputs.labels`, `tags[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Turns zod's issues into field issues that name the path and what was expected. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/**
 * Parses `input` with `schema`; on failure throws a {@link ValidationError} that names
 * each field and what was expected.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(what, toFieldIssues(result.error), { cause: result.error });
}
