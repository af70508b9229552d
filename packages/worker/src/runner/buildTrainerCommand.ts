import { basename, dirname } from 'node:path';
import type { TrainerProfile } from '../config/WorkerConfig.js';
import { WorkerError } from '../errors.js';

/** What the worker knows about one job when it starts its trainer. */
export interface LaunchContext {
  jobId: string;
  /** The config file the worker wrote for this job. */
  configPath: string;
  runDir: string;
  checkpointDir: string;
  /** Checkpoint to resume from. */
  resume?: string | undefined;
  device: 'cpu' | 'cuda';
  runName: string;
  publishAddress: string;
  controlAddress: string;
  /** Model to start from (fine-tuning). */
  baseModel?: string | undefined;
  fineTune?: boolean;
  /** Input files by role (`dataset`, `labels`, …), as paths on the worker. */
  inputs?: Record<string, string>;
  /** Where `generate-dataset` writes. */
  datasetDir?: string;
  /** `node` and the built-in trainer's script, for the built-in profiles. */
  node?: string;
  builtinTrainer?: string;
  /** `predict` runs the profile's `predictCommand` with the model and predictions path. */
  mode?: 'train' | 'predict';
  /** The model file a predict job runs. */
  model?: string;
  /** Where a predict job writes its predictions. */
  predictions?: string;
}

/**
 * Placeholder names a profile's command template may use, besides `{input.ROLE}`
 * ({@link isKnownPlaceholder} accepts those too).
 */
export const TRAINER_PLACEHOLDERS = [
  'jobId',
  'config',
  'configDir',
  'configName',
  'runDir',
  'checkpointDir',
  'resume',
  'device',
  'runName',
  'zmqPublish',
  'zmqControl',
  'publishPort',
  'controlPort',
  'baseModel',
  'node',
  'builtinTrainer',
  'datasetDir',
  'mode',
  'model',
  'modelDir',
  'predictions',
] as const;

/** A placeholder name of {@link TRAINER_PLACEHOLDERS}. */
export type TrainerPlaceholder = (typeof TRAINER_PLACEHOLDERS)[number];

/** `{name}`, `{name|hydra}` or `{name|dir}` (the folder of the path) in a command template. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9._-]*)(\|hydra|\|dir)?\}/g;

/** True for a name of {@link TRAINER_PLACEHOLDERS} or `input.ROLE`. */
export function isKnownPlaceholder(name: string): boolean {
  return name.startsWith('input.') || (TRAINER_PLACEHOLDERS as readonly string[]).includes(name);
}

/** Placeholder names used in one command-template argument, in order. */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/** The program, its arguments and its environment. */
export interface TrainerLaunch {
  argv: string[];
  env: Record<string, string>;
}

/**
 * Fills a profile's command template. Placeholders: `{jobId}`, `{config}`, `{configDir}`,
 * `{configName}`, `{runDir}`, `{checkpointDir}`, `{resume}`, `{device}`, `{runName}`,
 * `{zmqPublish}`, `{zmqControl}`, `{publishPort}`, `{controlPort}`, `{baseModel}`,
 * `{node}`, `{builtinTrainer}`, `{datasetDir}`, `{input.ROLE}`, and for a predict job
 * (`mode: 'predict'`, which runs `predictCommand`) `{mode}`, `{model}`, `{modelDir}`,
 * `{predictions}`; `{NAME|dir}` is the folder of a path, `{NAME|hydra}` a Hydra-quoted
 * value. An argument starting with
 * `?` is dropped when any placeholder in it is empty (e.g.
 * `?trainer_config.resume_ckpt_path={resume}`). Values are single arguments: nothing is
 * passed through a shell.
 *
 * @example
 * ```ts
 * const { argv, env } = buildTrainerCommand(profile, context);
 * spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, detached: true });
 * ```
 */
export function buildTrainerCommand(
  profile: TrainerProfile,
  context: LaunchContext,
): TrainerLaunch {
  const values = placeholderValues(context);
  const argv: string[] = [];
  const predict = context.mode === 'predict';
  if (predict && profile.predictCommand === undefined) {
    throw new WorkerError(
      'config_invalid',
      `trainer profile "${profile.id}" cannot predict (it has no predictCommand)`,
    );
  }
  for (const template of predict ? profile.predictCommand! : profile.command) {
    const optional = template.startsWith('?');
    const body = optional ? template.slice(1) : template;
    let empty = false;
    const arg = body.replace(PLACEHOLDER, (_, name: string, filter: string | undefined) => {
      const value = values(name, profile.id);
      if (value === '') empty = true;
      if (value === '' || filter === undefined) return value;
      return filter === '|dir' ? dirname(value) : hydraQuote(value);
    });
    if (optional && empty) continue;
    argv.push(arg);
  }
  const env: Record<string, string> = {
    TRAINWIRE_JOB_ID: context.jobId,
    TRAINWIRE_CONFIG: context.configPath,
    TRAINWIRE_RUN_DIR: context.runDir,
    TRAINWIRE_CHECKPOINT_DIR: context.checkpointDir,
    TRAINWIRE_RESUME: context.resume ?? '',
    TRAINWIRE_DEVICE: context.device,
    TRAINWIRE_ZMQ_PUBLISH: context.publishAddress,
    TRAINWIRE_ZMQ_CONTROL: context.controlAddress,
    TRAINWIRE_BASE_MODEL: context.baseModel ?? '',
    TRAINWIRE_FINE_TUNE: context.fineTune ? '1' : '0',
    TRAINWIRE_RUN_NAME: context.runName,
    TRAINWIRE_MODE: predict ? 'predict' : 'train',
  };
  if (predict) {
    env.TRAINWIRE_MODEL = context.model ?? '';
    env.TRAINWIRE_PREDICTIONS = context.predictions ?? '';
  }
  if (context.datasetDir) env.TRAINWIRE_DATASET_DIR = context.datasetDir;
  for (const [role, path] of Object.entries(context.inputs ?? {})) {
    env[`TRAINWIRE_INPUT_${role.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = path;
  }
  if (context.device === 'cpu') env.CUDA_VISIBLE_DEVICES = '';
  return { argv, env: { ...profile.env, ...env } };
}

/**
 * A value as a Hydra override needs it (`{name|hydra}` in a command template): plain when
 * it is only letters, digits and `_ - + . / @`, otherwise single-quoted with `\` and `'`
 * escaped — so paths with spaces, commas, brackets or `=` reach sleap-nn intact.
 */
export function hydraQuote(value: string): string {
  if (/^[\w./@+-]+$/.test(value)) return value;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function placeholderValues(context: LaunchContext): (name: string, profile: string) => string {
  const table: Record<TrainerPlaceholder, string> = {
    jobId: context.jobId,
    config: context.configPath,
    configDir: dirname(context.configPath),
    configName: basename(context.configPath),
    runDir: context.runDir,
    checkpointDir: context.checkpointDir,
    resume: context.resume ?? '',
    device: context.device,
    runName: context.runName,
    zmqPublish: context.publishAddress,
    zmqControl: context.controlAddress,
    publishPort: portOf(context.publishAddress),
    controlPort: portOf(context.controlAddress),
    baseModel: context.baseModel ?? '',
    node: context.node ?? process.execPath,
    builtinTrainer: context.builtinTrainer ?? '',
    datasetDir: context.datasetDir ?? '',
    mode: context.mode ?? 'train',
    model: context.model ?? '',
    modelDir: context.model === undefined ? '' : dirname(context.model),
    predictions: context.predictions ?? '',
  };
  return (name, profile) => {
    if (name.startsWith('input.')) return context.inputs?.[name.slice('input.'.length)] ?? '';
    if (!isKnownPlaceholder(name)) {
      throw new WorkerError(
        'config_invalid',
        `trainer profile "${profile}" uses an unknown placeholder {${name}}; see docs/trainers.md for the list`,
      );
    }
    return table[name as TrainerPlaceholder];
  };
}

function portOf(address: string): string {
  return /:(\d+)$/.exec(address)?.[1] ?? '';
}
