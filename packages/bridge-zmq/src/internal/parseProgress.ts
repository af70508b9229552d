import {
  type ProgressMessage,
  ProgressMessageSchema,
  toFieldIssues,
  ValidationError,
} from '@trainwire/core';

type ProgressResult =
  | { success: true; data: ProgressMessage }
  | { success: false; error: ValidationError };

/**
 * Validates a progress message with core's schema (which keeps NaN and ±Infinity in
 * `logs`: a diverging loss is exactly what a viewer must show).
 */
export function safeParseProgress(raw: unknown): ProgressResult {
  const result = ProgressMessageSchema.safeParse(raw);
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    error: new ValidationError('progress message', toFieldIssues(result.error), {
      cause: result.error,
    }),
  };
}

/** Like {@link safeParseProgress}; throws the `ValidationError` naming each field. */
export function parseProgressOrThrow(raw: unknown): ProgressMessage {
  const result = safeParseProgress(raw);
  if (!result.success) throw result.error;
  return result.data;
}
