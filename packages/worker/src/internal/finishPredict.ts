import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JobState } from '@trainwire/core';
import type { LaunchExit } from '../runner/TrainerLauncher.js';
import type { ArtifactTracker } from './ArtifactTracker.js';
import type { StagePlan } from './JobPlan.js';
import type { JobRecorder } from './JobRecorder.js';
import type { JobPosition } from './jobEndings.js';

/** Where a predict job's trainer writes its predictions: `<run dir>/<predictionsFile>`. */
export function predictionsPath(stage: StagePlan): string {
  return join(stage.runDir, stage.profile.predictionsFile ?? 'predictions.jsonl');
}

/**
 * A predict job's trainer exited 0: its predictions file becomes the job's `predictions`
 * artifact (`JOB:predictions`, hashed, downloadable) and the job completes
 * (`stopped_early` after a stop: the file holds the items done by then). No file is a
 * failure that names the path where it was expected.
 */
export async function finishPredict(options: {
  path: string;
  exit: LaunchExit;
  recorder: JobRecorder;
  tracker: ArtifactTracker;
  lastLines: readonly string[];
  position: () => JobPosition;
}): Promise<JobState> {
  const { path, recorder, tracker } = options;
  if (!existsSync(path)) {
    recorder.finish('failed', {
      reason: 'the trainer wrote no predictions',
      exitCode: 0,
      error: {
        code: 'trainer_failed',
        message: `the trainer exited 0 but wrote no predictions to ${path} (TRAINWIRE_PREDICTIONS); check its predict mode`,
        details: {
          exitCode: 0,
          signal: null,
          lastLines: [...options.lastLines],
          ...options.position(),
        },
      },
    });
    return 'failed';
  }
  tracker.registerFile('predictions', path);
  await tracker.settled();
  recorder.finish('completed', {
    ...(options.exit.stopRequested ? { reason: 'stopped_early' } : {}),
    exitCode: 0,
  });
  return 'completed';
}
