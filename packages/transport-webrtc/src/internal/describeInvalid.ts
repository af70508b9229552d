import { toFieldIssues, ValidationError } from '@trainwire/core';
import type { z } from 'zod';

/**
 * `invalid <what>: <path>: <problem>; …`, worded as core's `ValidationError` words it, so
 * every refusal of a malformed input names its fields the same way.
 */
export function describeInvalid(what: string, error: z.ZodError): string {
  return new ValidationError(what, toFieldIssues(error)).message;
}
