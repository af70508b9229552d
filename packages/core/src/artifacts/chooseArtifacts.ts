import type { Artifact } from '../schemas/Artifact.js';

/**
 * Which of a job's files a fetch takes: `default` — its models, else its last checkpoint;
 * `all`; or one kind (`model`, `checkpoint`, `dataset`, …). Each path once. The CLI's
 * `fetch --kind` and a widget's "Get model" button choose the same files.
 *
 * @example
 * ```ts
 * const [model] = chooseArtifacts(session.getSnapshot().artifacts, 'default');
 * ```
 */
export function chooseArtifacts(artifacts: readonly Artifact[], kind: string): Artifact[] {
  const unique = [...new Map(artifacts.map((a) => [a.path, a])).values()];
  if (kind === 'all') return unique;
  if (kind !== 'default') return unique.filter((a) => a.kind === kind);
  const models = unique.filter((a) => a.kind === 'model');
  if (models.length > 0) return models;
  const checkpoints = unique.filter((a) => a.kind === 'checkpoint');
  const last = checkpoints.find((a) => a.label === 'last') ?? checkpoints[checkpoints.length - 1];
  return last === undefined ? [] : [last];
}
