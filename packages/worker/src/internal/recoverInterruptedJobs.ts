import { join } from 'node:path';
import { type Artifact, isFinalJobState, type JobRecord } from '@trainwire/core';
import type { WorkerParts } from '../Worker.js';
import { isDiskFull } from './DiskSpace.js';
import { jobPosition, whereToResume } from './jobEndings.js';
import { runConfigPath } from './runConfigPath.js';
import {
  type FoundCheckpoint,
  newestCheckpoint,
  removePartialCheckpoints,
  scanCheckpoints,
} from './scanCheckpoints.js';
import { sha256File } from './sha256File.js';
import type { WorkerEventHub } from './WorkerEventHub.js';

/**
 * Ends the jobs a previous run of the worker left unfinished (`failed`, `worker_restarted`).
 * First the run's files are made the truth: a trainer still running is stopped, its
 * half-written checkpoints removed, and every checkpoint on disk registered with its
 * current epoch, size and SHA-256 (a trainer outlives a killed worker and goes on saving).
 * The job ends at the last thing known of it (its last event or checkpoint), naming the
 * newest checkpoint and the command that resumes from it. Returns the jobs' ids.
 */
export async function recoverInterruptedJobs(
  parts: WorkerParts,
  hub: WorkerEventHub,
  isRunning: (jobId: string) => boolean,
  options: { workerName: string },
): Promise<string[]> {
  const recovered: string[] = [];
  for (const job of parts.jobs.listJobs()) {
    if (isFinalJobState(job.state) || isRunning(job.jobId)) continue;
    await recoverJob(parts, hub, job, options.workerName);
    recovered.push(job.jobId);
  }
  return recovered;
}

async function recoverJob(
  parts: WorkerParts,
  hub: WorkerEventHub,
  job: JobRecord,
  workerName: string,
): Promise<void> {
  const runDir = join(parts.config.dataDir, 'runs', job.jobId);
  const checkpointDir = join(runDir, 'checkpoints');
  // The launcher ends what it started for the job and waits (bounded) until it is gone.
  const orphan = await parts.launcher.endOrphan(runDir, job.jobId);
  await removePartialCheckpoints(checkpointDir);
  const found = await scanCheckpoints(checkpointDir);
  const updates = await checkpointUpdates(parts, job.jobId, found);
  const newest = newestCheckpoint(found);
  const lastEvent = job.lastSeq > 0 ? parts.jobs.eventsAfter(job.jobId, job.lastSeq - 1)[0] : null;
  const endedAt = Math.max(
    job.startedAt ?? job.createdAt,
    lastEvent?.ts ?? 0,
    ...found.map((c) => Math.round(c.mtimeMs)),
  );
  const position = jobPosition({
    profile: job.spec.profile,
    configPath: runConfigPath(runDir, parts.profiles.get(job.spec.profile)?.configFormat),
    checkpointDir,
    epoch: Math.max(
      parts.jobs.epochsDone(job.jobId),
      newest?.epoch === undefined ? 0 : newest.epoch + 1,
    ),
    lastCheckpoint: newest?.path,
  });
  const stopped = orphan === undefined ? '' : `; ${orphan} was still running and was stopped`;
  const message = `the worker ${workerName} restarted while this job was running (it had been stopped or had crashed)${stopped}; the job ended after epoch ${position.epoch}${whereToResume(position)}`;
  const record = () => {
    for (const artifact of updates) {
      const stored = parts.artifacts.add(artifact, job.jobId);
      hub.emit(job.jobId, { type: 'artifact', artifact: stored });
    }
    parts.jobs.updateJob(job.jobId, {
      state: 'failed',
      endedAt,
      error: { code: 'worker_restarted', message },
    });
    hub.emit(job.jobId, {
      type: 'state',
      state: 'failed',
      reason: 'worker restarted',
      error: { code: 'worker_restarted', message, details: { ...position, endedAt } },
    });
    parts.experiments.setStatus(job.jobId, 'failed');
  };
  try {
    hub.transaction(record);
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    parts.space.makeRoom();
    hub.transaction(record);
  }
}

/** Checkpoints whose record is missing or disagrees with the file (epoch, size, SHA-256). */
async function checkpointUpdates(
  parts: WorkerParts,
  jobId: string,
  found: readonly FoundCheckpoint[],
): Promise<Artifact[]> {
  const known = new Map(parts.artifacts.listForJob(jobId, 'checkpoint').map((a) => [a.path, a]));
  const experimentId = parts.experiments.get(jobId) ? jobId : undefined;
  const updates: Artifact[] = [];
  for (const file of found) {
    const sha256 = await sha256File(file.path).catch(() => undefined);
    if (sha256 === undefined) continue; // Unreadable: nothing true to record.
    const record = known.get(file.path);
    const epoch = file.epoch ?? record?.epoch;
    const artifact: Artifact = {
      id: record?.id ?? `${jobId}:checkpoint:${file.name}`,
      kind: 'checkpoint',
      path: file.path,
      size: file.size,
      sha256,
      ...(epoch === undefined ? {} : { epoch }),
      ...(file.label ? { label: file.label } : {}),
      ...(experimentId === undefined ? {} : { experimentId }),
    };
    const same =
      record !== undefined &&
      record.size === artifact.size &&
      record.sha256 === artifact.sha256 &&
      record.epoch === artifact.epoch &&
      record.label === artifact.label &&
      record.experimentId === artifact.experimentId;
    if (!same) updates.push(artifact);
  }
  return updates;
}
