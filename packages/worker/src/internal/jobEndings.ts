import type { JobError } from '@trainwire/core';
import { formatBytes } from './DiskSpace.js';
import { resumeCommand } from './resumeCommand.js';

/** Where a job stands when it ends early: the `details` every such error carries. */
export interface JobPosition {
  /** Epochs done. */
  epoch: number;
  checkpointDir: string;
  lastCheckpoint: string | null;
  resumeCommand: string | null;
}

/** The position of a job, with the command that resumes it from `lastCheckpoint`. */
export function jobPosition(options: {
  profile: string;
  configPath: string;
  checkpointDir: string;
  epoch: number;
  lastCheckpoint: string | undefined;
}): JobPosition {
  const { lastCheckpoint } = options;
  return {
    epoch: options.epoch,
    checkpointDir: options.checkpointDir,
    lastCheckpoint: lastCheckpoint ?? null,
    resumeCommand:
      lastCheckpoint === undefined
        ? null
        : resumeCommand(options.profile, options.configPath, lastCheckpoint),
  };
}

/** `; last checkpoint …; resume with: …` or `; no checkpoint was saved, so it has to start over`. */
export function whereToResume(position: JobPosition): string {
  return position.lastCheckpoint === null
    ? '; no checkpoint was saved, so it has to start over'
    : `; last checkpoint ${position.lastCheckpoint}; resume with: ${position.resumeCommand}`;
}

/** The worker was stopped (Ctrl-C, SIGTERM, `close()`) while the job ran. */
export function workerStoppedError(
  workerName: string,
  by: string,
  position: JobPosition,
): JobError {
  return {
    code: 'worker_stopped',
    message: `the worker ${workerName} was stopped by ${by}; the job was cancelled after epoch ${position.epoch}${whereToResume(position)}`,
    details: { ...position },
  };
}

/** The disk filled up: the job ended `failed` with what to free and how to resume. */
export function noSpaceError(
  workerName: string,
  disk: { dataDir: string; freeBytes: number | null },
  position: JobPosition,
): JobError {
  const free = disk.freeBytes === null ? 'no' : formatBytes(disk.freeBytes);
  const resume =
    position.lastCheckpoint === null
      ? 'no checkpoint was saved, so it has to start over once there is room'
      : `last checkpoint ${position.lastCheckpoint}; free space there, then resume with: ${position.resumeCommand}`;
  return {
    code: 'no_space',
    message: `the disk of ${workerName} is full (${free} free in its data dir ${disk.dataDir}), so the job was stopped after epoch ${position.epoch}; ${resume}`,
    details: { dataDir: disk.dataDir, freeBytes: disk.freeBytes, ...position },
  };
}

/** The worker's store failed for another reason (it stays up; the job ends). */
export function storeFailedError(cause: unknown, position: JobPosition): JobError {
  return {
    code: 'store_failed',
    message: `the worker could not record this job (${(cause as Error).message ?? String(cause)}); the job was stopped after epoch ${position.epoch}${whereToResume(position)}`,
    details: { ...position },
  };
}
