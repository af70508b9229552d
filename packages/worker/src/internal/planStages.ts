import { existsSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type JobSpec, stageRefOf } from '@trainwire/core';
import { WorkerError } from '../errors.js';
import type { Sandbox } from '../sandbox/Sandbox.js';
import type { WorkerParts } from '../Worker.js';
import type { CheckedTrainer } from './checkJobSpec.js';
import type { StagePlan } from './JobRunner.js';

/** A stage's own folder in its job's run folder. */
export function stageRunDir(runDir: string, stage: string): string {
  return join(runDir, 'stages', stage);
}

/**
 * The plan of each stage of a pipeline job, inputs resolved in the caller's sandbox. A
 * `resume` (already resolved) must be a checkpoint of one stage of an earlier run of the
 * same pipeline: that stage restarts from it, the stages before it are not run again (their
 * models in that run are reused), the ones after it run from the start. Throws
 * `config_invalid` with what to change when the checkpoint is not such a one.
 */
export async function planStages(options: {
  parts: WorkerParts;
  spec: JobSpec;
  checked: readonly CheckedTrainer[];
  sandbox: Sandbox;
  runDir: string;
  resume: string | undefined;
}): Promise<StagePlan[]> {
  const { parts, spec, checked, sandbox, runDir } = options;
  const stages = spec.stages!;
  const plans: StagePlan[] = [];
  for (const [index, stage] of stages.entries()) {
    const inputs: Record<string, string> = {};
    for (const [role, value] of Object.entries(stage.inputs)) {
      inputs[role] = stageRefOf(value) === undefined ? await sandbox.resolve(value) : value;
    }
    plans.push({
      stage: { index, count: stages.length, name: stage.name },
      profile: checked[index]!.profile,
      config: stage.config,
      runDir: stageRunDir(runDir, stage.name),
      device: checked[index]!.device,
      inputs,
      resume: undefined,
      ...(checked[index]!.totalEpochs === undefined
        ? {}
        : { totalEpochs: checked[index]!.totalEpochs }),
    });
  }
  if (options.resume === undefined) return plans;
  const from = resumePoint(parts, spec, options.resume);
  plans[from.index]!.resume = options.resume;
  for (const [index, model] of from.reused.entries()) plans[index]!.reusedModel = model;
  return plans;
}

/** The stage a pipeline checkpoint belongs to, and the models of the stages before it. */
function resumePoint(
  parts: WorkerParts,
  spec: JobSpec,
  checkpoint: string,
): { index: number; reused: string[] } {
  const stages = spec.stages!;
  const runs = realRuns(parts.config.dataDir);
  const [jobId, folder, stageName, checkpoints] = relative(runs, checkpoint).split(sep);
  if (
    jobId === undefined ||
    folder !== 'stages' ||
    stageName === undefined ||
    checkpoints !== 'checkpoints'
  ) {
    throw refusal(
      `a pipeline resumes from a checkpoint of one of its stages (${join(runs, 'JOB', 'stages', 'STAGE', 'checkpoints', '…')}); ${checkpoint} is not one — pick the checkpoint the failure named`,
    );
  }
  const index = stages.findIndex((s) => s.name === stageName);
  if (index < 0) {
    throw refusal(
      `the checkpoint ${checkpoint} is of stage ${stageName}, which this pipeline does not have (its stages are ${stages.map((s) => s.name).join(', ')}); resume the same pipeline`,
    );
  }
  const earlier = parts.jobs.getJob(jobId);
  const before = earlier?.spec.stages;
  if (before === undefined) {
    throw refusal(
      `job ${jobId} of the checkpoint ${checkpoint} is no pipeline on this worker; resume the same pipeline`,
    );
  }
  const reused: string[] = [];
  for (const [k, stage] of stages.slice(0, index).entries()) {
    const then = before[k];
    if (then?.name !== stage.name || then.profile !== stage.profile) {
      throw refusal(
        `stage ${k + 1} of job ${jobId} was ${then === undefined ? 'missing' : `${then.name} (${then.profile})`}, not ${stage.name} (${stage.profile}); resume the same pipeline`,
      );
    }
    const model = parts.artifacts.get(`${jobId}:${stage.name}:model`);
    if (model === undefined || !existsSync(model.path)) {
      throw refusal(
        `stage ${stage.name} did not finish in job ${jobId}, so there is no model of it to reuse; resume from a checkpoint of stage ${stage.name} instead`,
      );
    }
    reused.push(model.path);
  }
  return { index, reused };
}

function realRuns(dataDir: string): string {
  const runs = join(dataDir, 'runs');
  try {
    return realpathSync(runs);
  } catch {
    return runs;
  }
}

function refusal(message: string): WorkerError {
  return new WorkerError('config_invalid', message, {
    details: { issues: [{ path: 'resume', severity: 'error', code: 'bad_resume', message }] },
  });
}
