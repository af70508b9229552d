import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Device, type JobSpec, pipelineIssues, validateWithProfile } from '@trainwire/core';
import type { TrainerProfile } from '../config/WorkerConfig.js';
import { WorkerError } from '../errors.js';
import { GenerateDatasetConfigSchema } from '../trainer/TrainerConfig.js';
import type { WorkerParts } from '../Worker.js';

/** A profile and a device, checked: what one trainer of a job runs with. */
export interface CheckedTrainer {
  profile: TrainerProfile;
  device: 'cpu' | 'cuda';
  /** The epochs its config asks for, where the profile's rules say (a failure reports it). */
  totalEpochs?: number;
}

/**
 * Checks what a client asked for before anything runs: a profile this worker offers, a
 * config its validation profile accepts, a parent experiment it knows, a device it has.
 * A pipeline (`spec.stages`) is checked whole, every stage up front, before any runs: its
 * shape (`pipelineIssues`: stage references, names), then each stage's profile, config and
 * device — a refusal names the stage. Throws a `WorkerError` that says what to change.
 */
export function checkJobSpec(
  parts: WorkerParts,
  spec: JobSpec,
  workerName: string,
): CheckedTrainer & { stages?: CheckedTrainer[] } {
  const shape = pipelineIssues(spec);
  if (shape.length > 0) {
    throw new WorkerError(
      'config_invalid',
      `the ${spec.stages ? 'pipeline' : spec.profile} spec is invalid: ${shape.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      { details: { issues: shape } },
    );
  }
  const parent = spec.parentExperiment;
  if (parent !== undefined && parts.experiments.get(parent) === undefined) {
    throw new WorkerError(
      'config_invalid',
      `no experiment ${parent} on this worker; name one of its jobs (each job is an experiment, job.list lists them) or leave parentExperiment out`,
      { details: { parentExperiment: parent } },
    );
  }
  if (spec.predict !== undefined) return checkPredict(parts, spec, workerName);
  if (spec.stages === undefined) {
    return checkTrainer(parts, spec.profile, spec.config, spec.device, workerName, undefined);
  }
  const stages = spec.stages.map((stage, index) =>
    checkTrainer(parts, stage.profile, stage.config, stage.device ?? spec.device, workerName, {
      index,
      name: stage.name,
    }),
  );
  return { ...stages[0]!, stages };
}

/**
 * A predict job: a profile that can predict (a `predictCommand`), no resume or fine-tune;
 * its config is the trainer's predict settings, which the trainer itself checks.
 */
function checkPredict(parts: WorkerParts, spec: JobSpec, workerName: string): CheckedTrainer {
  const conflict =
    spec.resume !== undefined ? 'resume' : spec.fineTune !== undefined ? 'fineTune' : undefined;
  if (conflict !== undefined) {
    const message = `a predict job runs a trained model; it neither resumes nor fine-tunes — drop ${conflict}`;
    throw new WorkerError('config_invalid', message, {
      details: {
        issues: [{ path: conflict, severity: 'error', code: 'predict_conflict', message }],
      },
    });
  }
  const checked = checkTrainer(parts, spec.profile, {}, spec.device, workerName, undefined, false);
  if (checked.profile.predictCommand === undefined) {
    const can = [...parts.profiles.values()].filter((p) => p.predictCommand).map((p) => p.id);
    const message = `the ${spec.profile} profile cannot predict on this worker; profiles that can: ${can.join(', ') || '(none)'}`;
    throw new WorkerError('config_invalid', message, {
      details: { issues: [{ path: 'profile', severity: 'error', code: 'no_predict', message }] },
    });
  }
  return checked;
}

/** One trainer's profile, config and device; `stage` prefixes what a refusal says. */
function checkTrainer(
  parts: WorkerParts,
  profileId: string,
  config: Record<string, unknown>,
  wanted: Device,
  workerName: string,
  stage: { index: number; name: string } | undefined,
  checkConfig = true,
): CheckedTrainer {
  const where = stage === undefined ? '' : `stage ${stage.name}: `;
  const profile = parts.profiles.get(profileId);
  if (!profile) {
    throw new WorkerError(
      'unknown_profile',
      `${where}this worker has no trainer profile "${profileId}"; it offers: ${[...parts.profiles.keys()].join(', ') || '(none)'}`,
    );
  }
  const rules = parts.configProfiles.get(profile.configProfile ?? profile.id);
  if (rules && checkConfig) {
    const report = validateWithProfile(rules, config);
    if (!report.ok) {
      const errors = report.issues.filter((i) => i.severity === 'error');
      const prefix = stage === undefined ? '' : `stages.${stage.index}.config.`;
      throw new WorkerError(
        'config_invalid',
        `${where}the ${profileId} config is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        { details: { issues: report.issues.map((i) => ({ ...i, path: `${prefix}${i.path}` })) } },
      );
    }
  }
  if (checkConfig && (profile.configProfile ?? profile.id) === 'generate-dataset') {
    requireNewDataset(parts, config);
  }
  if (profile.command.some((arg) => arg.includes('{builtinTrainer}')) && !parts.builtinTrainer) {
    throw new WorkerError(
      'spawn_failed',
      `${where}the built-in trainer is not built on this worker; run "npm run build -w @trainwire/worker" there`,
    );
  }
  // detectMachine reports no GPU on a CPU-only worker.
  const { gpu, summary } = parts.machine;
  if (wanted === 'gpu' && !gpu) {
    throw new WorkerError(
      'device_unavailable',
      parts.config.cpuOnly
        ? `${where}${workerName} is CPU-only; choose device "cpu" or "auto", or another worker`
        : `${where}${workerName} has no GPU (${summary}); choose device "cpu" or "auto", or another worker`,
    );
  }
  const totalEpochs = rules?.totalEpochs(config);
  return {
    profile,
    device: wanted !== 'cpu' && gpu ? 'cuda' : 'cpu',
    ...(totalEpochs === undefined ? {} : { totalEpochs }),
  };
}

/**
 * A dataset job refuses, before it starts, to replace a dataset of the same name unless its
 * config says `overwrite` (`dataset_exists`).
 */
function requireNewDataset(parts: WorkerParts, config: Record<string, unknown>): void {
  const parsed = GenerateDatasetConfigSchema.safeParse(config);
  if (!parsed.success || parsed.data.overwrite) return;
  const { name, format } = parsed.data;
  const path = join(parts.config.dataDir, 'datasets', `${name}.${format}`);
  if (!existsSync(path)) return;
  throw new WorkerError(
    'dataset_exists',
    `a dataset named ${name} already exists on this worker (${path}); pick another name, or confirm replacing it (overwrite: true, \`--overwrite\`)`,
    { details: { name, path } },
  );
}
