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
 * Validates a progress message with core's schema, keeping non-finite metric values.
 * zod 4's `z.number()` refuses `NaN` and `±Infinity`, yet a diverging loss is exactly
 * what a viewer must show: non-finite log values are swapped for `null` while the
 * schema checks the shape, then put back.
 */
export function safeParseProgress(raw: unknown): ProgressResult {
  const nonFinite = new Map<string, number>();
  let input = raw;
  if (typeof raw === 'object' && raw !== null) {
    const logs = (raw as { logs?: unknown }).logs;
    if (typeof logs === 'object' && logs !== null && !Array.isArray(logs)) {
      const finiteLogs: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(logs)) {
        if (typeof value === 'number' && !Number.isFinite(value)) {
          nonFinite.set(key, value);
          finiteLogs[key] = null;
        } else {
          finiteLogs[key] = value;
        }
      }
      if (nonFinite.size > 0) input = { ...raw, logs: finiteLogs };
    }
  }
  const result = ProgressMessageSchema.safeParse(input);
  if (!result.success) {
    return {
      success: false,
      error: new ValidationError('progress message', toFieldIssues(result.error), {
        cause: result.error,
      }),
    };
  }
  const data = result.data;
  if (nonFinite.size > 0 && 'logs' in data) {
    for (const [key, value] of nonFinite) data.logs[key] = value;
  }
  return { success: true, data };
}

/** Like {@link safeParseProgress}; throws the `ValidationError` naming each field. */
export function parseProgressOrThrow(raw: unknown): ProgressMessage {
  const result = safeParseProgress(raw);
  if (!result.success) throw result.error;
  return result.data;
}
