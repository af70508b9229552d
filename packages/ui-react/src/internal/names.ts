/**
 * A model name as `model.register` and a job's registered model take it: letters, digits,
 * `_` and `-` (runs of anything else become one `-`), at most 64; empty when nothing is left.
 */
export function modelNameOf(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

/** A dataset name as `dataset.generate` takes it: letters, digits, `.`, `_` and `-`, at most 128. */
export function datasetNameOf(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 128);
}

/** A failure's words (an `Error`'s message, or the value as text). */
export function wordsOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
