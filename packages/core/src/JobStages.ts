import type { JobProgress } from './JobProgress.js';
import type { JobStage } from './schemas/StageSpec.js';

/** A pipeline stage that ended, as a session keeps it: its position and its last progress. */
export interface StageResult {
  stage: JobStage;
  /** Its progress when the next stage began (or the job ended). */
  progress: JobProgress;
}

/**
 * "Stage 2/2: centered_instance": a stage as the CLI prints it and the monitor titles its
 * chart (`index` is 0-based on the wire, 1-based here).
 *
 * @example
 * ```ts
 * describeStage({ index: 1, count: 2, name: 'centered_instance' }); // "Stage 2/2: centered_instance"
 * ```
 */
export function describeStage(stage: JobStage): string {
  return `Stage ${stage.index + 1}/${stage.count}: ${stage.name}`;
}

/** True when `next` is another stage than `current` (a chart restarts there). */
export function isNewStage(current: JobStage | null, next: JobStage | undefined): boolean {
  return next !== undefined && (current === null || current.index !== next.index);
}
