import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Artifact, isFinalJobState, type JobRecord, type JobStage } from '@trainwire/core';
import type { WorkerParts } from '../Worker.js';
import { artifactId } from './ArtifactTracker.js';
import { isDiskFull } from './DiskSpace.js';
import { jobPosition, whereToResume } from './jobEndings.js';
import { stageRunDir } from './planStages.js';
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
  // A pipeline was in its last stage that has a folder: that stage's checkpoints count.
  const stage = interruptedStage(job, runDir);
  const checkpointDir = join(stage?.runDir ?? runDir, 'checkpoints');
  // The launcher ends what it started for the job and waits (bounded) until it is gone.
  const orphan = await parts.launcher.endOrphan(runDir, job.jobId);
  await removePartialCheckpoints(checkpointDir);
  const found = await scanCheckpoints(checkpointDir);
  const updates = await checkpointUpdates(
    parts,
    job.jobId,
    found,
    stage === undefined ? job.jobId : `${job.jobId}:${stage.stage.name}`,
  );
  const newest = newestCheckpoint(found);
  const lastEvent = job.lastSeq > 0 ? parts.jobs.eventsAfter(job.jobId, job.lastSeq - 1)[0] : null;
  const endedAt = Math.max(
    job.startedAt ?? job.createdAt,
    lastEvent?.ts ?? 0,
    ...found.map((c) => Math.round(c.mtimeMs)),
  );
  const position = {
    ...jobPosition({
      profile: job.spec.profile,
      configPath:
        stage === undefined
          ? runConfigPath(runDir, parts.profiles.get(job.spec.profile)?.configFormat)
          : join(runDir, 'pipeline.json'),
      checkpointDir,
      // A pipeline's epochs are its stage's: counted from its checkpoints.
      epoch: Math.max(
        stage === undefined ? parts.jobs.epochsDone(job.jobId) : 0,
        newest?.epoch === undefined ? 0 : newest.epoch + 1,
      ),
      lastCheckpoint: newest?.path,
    }),
    ...(stage === undefined ? {} : { stage: stage.stage, completedStages: stage.completed }),
  };
  const stopped = orphan === undefined ? '' : `; ${orphan} was still running and was stopped`;
  const inStage = stage === undefined ? '' : ` in stage ${stage.stage.name}`;
  const message = `the worker ${workerName} restarted while this job was running (it had been stopped or had crashed)${stopped}; the job ended${inStage} after epoch ${position.epoch}${whereToResume(position)}`;
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
      ...(stage === undefined ? {} : { stage: stage.stage }),
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

/**
 * The stage a pipeline job was in: the last one whose folder exists (each stage makes its
 * folder as it starts), with the stages before it; undefined for a job without stages.
 */
function interruptedStage(
  job: JobRecord,
  runDir: string,
): { stage: JobStage; runDir: string; completed: string[] } | undefined {
  const stages = job.spec.stages;
  if (stages === undefined) return undefined;
  let index = 0;
  for (const [k, stage] of stages.entries()) {
    if (existsSync(stageRunDir(runDir, stage.name))) index = k;
  }
  const name = stages[index]!.name;
  return {
    stage: { index, count: stages.length, name },
    runDir: stageRunDir(runDir, name),
    completed: stages.slice(0, index).map((s) => s.name),
  };
}

/** Checkpoints whose record is missing or disagrees with the file (epoch, size, SHA-256). */
async function checkpointUpdates(
  parts: WorkerParts,
  jobId: string,
  found: readonly FoundCheckpoint[],
  idPrefix: string,
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
      id: record?.id ?? artifactId(idPrefix, 'checkpoint', file.name),
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
