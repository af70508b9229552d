/**
 * Where a trainer's config keeps the settings every view can override — a path of keys
 * each: `['epochs']` for the built-in trainer, `['trainer_config', 'max_epochs']` for
 * sleap-nn. The profile's `totalEpochs` reads the same path, so "where the epochs are" is
 * one rule.
 */
export interface ConfigFields {
  epochs: readonly string[];
  learningRate: readonly string[];
  batchSize: readonly string[];
}

/** The value at `path` in `config`, or undefined when a step is missing. */
export function readField(config: unknown, path: readonly string[]): unknown {
  let value = config;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Sets the value at `path` in `config`, making the objects on the way (in place). */
export function writeField(
  config: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): void {
  let node = config;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
