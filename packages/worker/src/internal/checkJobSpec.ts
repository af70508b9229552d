import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type JobSpec, validateWithProfile } from '@trainwire/core';
import type { TrainerProfile } from '../config/WorkerConfig.js';
import { WorkerError } from '../errors.js';
import { GenerateDatasetConfigSchema } from '../trainer/TrainerConfig.js';
import type { WorkerParts } from '../Worker.js';

/**
 * Checks what a client asked for before anything runs: a profile this worker offers, a
 * config its validation profile accepts, a parent experiment it knows, a device it has.
 * Throws a `WorkerError` that says what to change.
 */
export function checkJobSpec(
  parts: WorkerParts,
  spec: JobSpec,
  workerName: string,
): { profile: TrainerProfile; device: 'cpu' | 'cuda' } {
  const profile = parts.profiles.get(spec.profile);
  if (!profile) {
    throw new WorkerError(
      'unknown_profile',
      `this worker has no trainer profile "${spec.profile}"; it offers: ${[...parts.profiles.keys()].join(', ') || '(none)'}`,
    );
  }
  const rules = parts.configProfiles.get(profile.configProfile ?? profile.id);
  if (rules) {
    const report = validateWithProfile(rules, spec.config);
    if (!report.ok) {
      const errors = report.issues.filter((i) => i.severity === 'error');
      throw new WorkerError(
        'config_invalid',
        `the ${spec.profile} config is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        { details: { issues: report.issues } },
      );
    }
  }
  if ((profile.configProfile ?? profile.id) === 'generate-dataset') requireNewDataset(parts, spec);
  const parent = spec.parentExperiment;
  if (parent !== undefined && parts.experiments.get(parent) === undefined) {
    throw new WorkerError(
      'config_invalid',
      `no experiment ${parent} on this worker; name one of its jobs (each job is an experiment, job.list lists them) or leave parentExperiment out`,
      { details: { parentExperiment: parent } },
    );
  }
  if (profile.command.some((arg) => arg.includes('{builtinTrainer}')) && !parts.builtinTrainer) {
    throw new WorkerError(
      'spawn_failed',
      'the built-in trainer is not built on this worker; run "npm run build -w @trainwire/worker" there',
    );
  }
  // detectMachine reports no GPU on a CPU-only worker.
  const { gpu, summary } = parts.machine;
  if (spec.device === 'gpu' && !gpu) {
    throw new WorkerError(
      'device_unavailable',
      parts.config.cpuOnly
        ? `${workerName} is CPU-only; choose device "cpu" or "auto", or another worker`
        : `${workerName} has no GPU (${summary}); choose device "cpu" or "auto", or another worker`,
    );
  }
  return { profile, device: spec.device !== 'cpu' && gpu ? 'cuda' : 'cpu' };
}

/**
 * A dataset job refuses, before it starts, to replace a dataset of the same name unless its
 * config says `overwrite` (`dataset_exists`).
 */
function requireNewDataset(parts: WorkerParts, spec: JobSpec): void {
  const parsed = GenerateDatasetConfigSchema.safeParse(spec.config);
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
