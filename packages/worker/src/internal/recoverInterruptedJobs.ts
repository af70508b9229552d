import { join } from 'node:path';
import { isFinalJobState, type JobEventHub } from '@trainwire/core';
import type { WorkerParts } from '../Worker.js';
import { resumeCommand } from './resumeCommand.js';
import { killOrphanedTrainer } from './trainerPidFile.js';

/**
 * Marks jobs a previous run of the worker left unfinished as failed ("worker restarted"),
 * naming their last checkpoint and the command that resumes from it. Returns their ids.
 */
export function recoverInterruptedJobs(
  parts: WorkerParts,
  hub: JobEventHub,
  isRunning: (jobId: string) => boolean,
): string[] {
  const recovered: string[] = [];
  for (const job of parts.jobs.listJobs()) {
    if (isFinalJobState(job.state) || isRunning(job.jobId)) continue;
    const checkpoints = parts.artifacts.listForJob(job.jobId, 'checkpoint');
    const last = checkpoints.find((a) => a.label === 'last') ?? checkpoints.at(-1);
    const runDir = join(parts.config.dataDir, 'runs', job.jobId);
    const configFile = join(
      runDir,
      parts.profiles.get(job.spec.profile)?.configFormat === 'yaml' ? 'config.yaml' : 'config.json',
    );
    const command = last ? resumeCommand(job.spec.profile, configFile, last.path) : null;
    const orphan = killOrphanedTrainer(runDir, job.jobId);
    const stopped =
      orphan === undefined ? '' : `; its trainer (pid ${orphan}) was still running and was stopped`;
    const message = last
      ? `the worker restarted while this job was running${stopped}; last checkpoint ${last.path}; resume with: ${command}`
      : `the worker restarted while this job was running${stopped}; no checkpoint was saved`;
    parts.jobs.updateJob(job.jobId, {
      state: 'failed',
      endedAt: parts.now(),
      error: { code: 'worker_restarted', message },
    });
    hub.emit(job.jobId, {
      type: 'state',
      state: 'failed',
      reason: 'worker restarted',
      error: {
        code: 'worker_restarted',
        message,
        details: {
          checkpointDir: join(runDir, 'checkpoints'),
          lastCheckpoint: last?.path ?? null,
          resumeCommand: command,
        },
      },
    });
    parts.experiments.setStatus(job.jobId, 'failed');
    recovered.push(job.jobId);
  }
  return recovered;
}
