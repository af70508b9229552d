import { z } from 'zod';

/**
 * A job's id. A worker keeps a job's files in a folder named after it, so an id is one
 * path segment: letters, digits, `.`, `_` and `-`, starting with a letter or digit (never
 * `..` or a `/`). Parse every id that arrives from outside with it.
 *
 * @example
 * ```ts
 * JobIdSchema.parse('job-1'); // 'job-1'
 * JobIdSchema.safeParse('../../escape').success; // false
 * ```
 */
export const JobIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'a job id is letters, digits, ".", "_" and "-", starting with a letter or digit',
  );

/** A job's id. */
export type JobId = z.infer<typeof JobIdSchema>;
