/**
 * JSON for trainwire's frames: like `JSON.stringify`, but NaN and ±Infinity (a diverging
 * loss) become the strings `"NaN"`, `"Infinity"`, `"-Infinity"` instead of `null`, so they
 * survive the trip; the schemas turn them back into numbers.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, nonFinite);
}

function nonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
