import { readFile } from 'node:fs/promises';
import {
  applyOverrides,
  buildResumeCommand,
  builtinConfigProfile,
  type ConfigOverrides,
  type Derivation,
  isTrainwireError,
  type JobSpecInput,
  mapInputPaths,
  PIPELINE_PRESETS,
  PIPELINE_PROFILE,
  PRESET_NAMES,
  parseConfigText,
  pipelinePresetFor,
  pipelineSpec,
  presetsFor,
  pytorchConfigProfile,
  sleapNnConfigProfile,
  TRAINING_PRESETS,
} from '@trainwire/core';
import { experimentIdArg } from '../commands/experimentsShared.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { intFlag, numberFlag, type ParsedArgs, pairsFlag, stringFlag } from './args.js';
import { fsProblem } from './fsProblem.js';

/** The profiles whose settings `--epochs`, `--lr` and `--batch-size` override (core knows where each keeps them). */
const PROFILES = [builtinConfigProfile, sleapNnConfigProfile, pytorchConfigProfile];

/** The flags `train` repeats in a resume command, in order. */
const RESUME_FLAGS = [
  'pipeline',
  'stages',
  'preset',
  'config',
  'epochs',
  'lr',
  'batch-size',
  'name',
  'device',
];

/** The profile a job of these flags runs: a pipeline preset's defaults to sleap-nn. */
function profileOf(args: ParsedArgs): string {
  if (args.values.stages !== undefined) return PIPELINE_PROFILE;
  return (
    stringFlag(args, 'profile') ?? (args.values.pipeline !== undefined ? 'sleap-nn' : 'builtin')
  );
}

/** The job spec from `train`'s flags: profile, config file or preset, overrides, inputs, resume. */
export async function buildSpec(args: ParsedArgs): Promise<JobSpecInput> {
  if (
    args.values.pipeline !== undefined ||
    args.values.stages !== undefined ||
    args.values.profile === PIPELINE_PROFILE
  )
    return pipelineFromFlags(args);
  const profile = stringFlag(args, 'profile') ?? 'builtin';
  const file = stringFlag(args, 'config');
  const preset = stringFlag(args, 'preset');
  let config: Record<string, unknown> = {};
  if (preset !== undefined) {
    const presets = presetsFor(profile);
    if (presets === undefined)
      throw new UsageError(
        `--preset applies to the ${Object.keys(TRAINING_PRESETS).join(' and ')} profiles; give "${profile}" a --config`,
      );
    const chosen = (presets.presets as Record<string, Record<string, unknown>>)[preset];
    if (chosen === undefined)
      throw new UsageError(
        `--preset "${preset}" is not known; use one of ${PRESET_NAMES.join(', ')} (\`trainwire presets --profile ${profile}\` shows each one's config and time)`,
      );
    config = structuredClone(chosen);
  }
  if (file !== undefined) config = { ...config, ...(await readConfigFile(file)) };
  const overrides = {
    epochs: intFlag(args, 'epochs'),
    learningRate: numberFlag(args, 'lr'),
    batchSize: intFlag(args, 'batch-size'),
  };
  config = withOverrides(profile, config, overrides);
  const inputs = mapPaths(args);
  const resume = stringFlag(args, 'resume');
  const fineTune = fineTuneFlag(args);
  if (fineTune !== undefined && resume !== undefined)
    throw new UsageError(
      '--fine-tune starts a new run from a model; --resume continues a run from its checkpoint: pass one',
    );
  const name = stringFlag(args, 'name');
  const device = stringFlag(args, 'device');
  if (device !== undefined && !['auto', 'cpu', 'gpu'].includes(device))
    throw new UsageError(`--device must be auto, cpu or gpu; got "${device}"`);
  return {
    profile,
    config,
    inputs,
    ...(resume === undefined ? {} : { resume }),
    ...(fineTune === undefined ? {} : { fineTune }),
    ...(name === undefined ? {} : { name }),
    ...(device === undefined ? {} : { device: device as 'auto' | 'cpu' | 'gpu' }),
  };
}

/**
 * `--config FILE` (or another `flag` taking `what`) read and parsed as YAML or JSON; what
 * is wrong with it, as a usage error.
 */
export async function readConfigFile(
  file: string,
  flag = '--config',
  what = 'a YAML or JSON trainer config',
): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new UsageError(
      `cannot read ${flag} ${file}: ${fsProblem(error)}; pass ${flag} the path of ${what} on this machine`,
      { cause: error },
    );
  });
  try {
    return parseConfigText(text, file);
  } catch (error) {
    if (isTrainwireError(error))
      throw new CliError(error.code, ExitCode.usage, error.message, { cause: error });
    throw error;
  }
}

/** Flags a pipeline takes per stage (in the stages file or the preset), not for the job. */
const NOT_FOR_PIPELINES = ['config', 'preset', 'fine-tune'];

/**
 * `train --pipeline NAME` (a preset of `--profile`, e.g. sleap-nn's `top-down`) or
 * `train --stages FILE` (YAML or JSON: `stages:` a list of {name, profile, config, inputs};
 * `--profile pipeline --config FILE` says the same, as the worker's resume command does):
 * a pipeline job. `--input` goes to every stage of a preset, and an `--upload` to every
 * stage of any pipeline; `--epochs`, `--lr` and
 * `--batch-size` change every stage's config. The job manager checks each stage's config.
 */
async function pipelineFromFlags(args: ParsedArgs): Promise<JobSpecInput> {
  const presetName = stringFlag(args, 'pipeline');
  const asConfig = args.values.profile === PIPELINE_PROFILE && args.values.stages === undefined;
  const file = stringFlag(args, asConfig ? 'config' : 'stages');
  if (presetName !== undefined && file !== undefined)
    throw new UsageError('--pipeline names a preset, --stages a file of stages: pass one');
  if (presetName === undefined && file === undefined)
    throw new UsageError(
      '--profile pipeline runs stages: give them with --stages FILE (or --config FILE), or name a preset with --pipeline NAME',
    );
  const flag = presetName === undefined ? '--stages' : '--pipeline';
  const clashing = NOT_FOR_PIPELINES.filter(
    (name) => args.values[name] !== undefined && !(asConfig && name === 'config'),
  );
  if (clashing.length > 0)
    throw new UsageError(
      `${flag} sets each stage's config and inputs; drop ${clashing.map((name) => `--${name}`).join(', ')}`,
    );
  const name = stringFlag(args, 'name');
  const resume = stringFlag(args, 'resume');
  let spec: JobSpecInput;
  if (presetName !== undefined) {
    const profile = profileOf(args);
    if (pipelinePresetFor(profile, presetName) === undefined) {
      const known = Object.entries(PIPELINE_PRESETS).flatMap(([p, presets]) =>
        Object.keys(presets).map((n) => `--profile ${p} --pipeline ${n}`),
      );
      throw new UsageError(
        `there is no pipeline "${presetName}" for profile ${profile}; the pipelines are: ${known.join(', ')} (or give your own with --stages FILE)`,
      );
    }
    spec = pipelineSpec(profile, presetName, {
      inputs: mapPaths(args),
      ...(name === undefined ? {} : { name }),
    });
  } else {
    const profile = stringFlag(args, 'profile');
    if (args.values.input !== undefined || (profile !== undefined && profile !== PIPELINE_PROFILE))
      throw new UsageError(
        "--stages FILE names each stage's profile and inputs; drop --profile and --input (or use --pipeline NAME)",
      );
    const parsed = await readConfigFile(
      file!,
      asConfig ? '--config' : '--stages',
      'a YAML or JSON file with a "stages:" list',
    );
    const stages = parsed.stages;
    const others = Object.keys(parsed).filter((key) => key !== 'stages');
    if (!Array.isArray(stages) || others.length > 0)
      throw new UsageError(
        `--stages ${file} must hold one key, "stages", a list of stages (each with name, profile, config and inputs)${others.length > 0 ? `; it also has ${others.join(', ')}` : ''}`,
      );
    spec = {
      profile: 'pipeline',
      stages: stages as NonNullable<JobSpecInput['stages']>,
      ...(name === undefined ? {} : { name }),
    };
  }
  const overrides = {
    epochs: intFlag(args, 'epochs'),
    learningRate: numberFlag(args, 'lr'),
    batchSize: intFlag(args, 'batch-size'),
  };
  if (Object.values(overrides).some((value) => value !== undefined)) {
    spec.stages = spec.stages!.map((stage) =>
      typeof stage === 'object' && stage !== null && typeof stage.profile === 'string'
        ? { ...stage, config: withOverrides(stage.profile, stage.config ?? {}, overrides) }
        : stage,
    );
  }
  const device = stringFlag(args, 'device');
  if (device !== undefined && !['auto', 'cpu', 'gpu'].includes(device))
    throw new UsageError(`--device must be auto, cpu or gpu; got "${device}"`);
  return {
    ...spec,
    ...(resume === undefined ? {} : { resume }),
    ...(device === undefined ? {} : { device: device as 'auto' | 'cpu' | 'gpu' }),
  };
}

/** `--fine-tune MODEL[:VERSION]`: a registered model (its active version without one). */
function fineTuneFlag(args: ParsedArgs): { model: string; version?: number } | undefined {
  const text = stringFlag(args, 'fine-tune');
  if (text === undefined) return undefined;
  const { name, version } = modelVersionArg(text, '--fine-tune');
  return { model: name, ...(version === undefined ? {} : { version }) };
}

/**
 * A registered model as a flag gives it, `NAME` or `NAME:VERSION` (`--fine-tune`,
 * `predict --model`); a usage error naming `flag` otherwise.
 */
export function modelVersionArg(text: string, flag: string): { name: string; version?: number } {
  const match = /^([^:]{1,200})(?::(\d{1,9}))?$/.exec(text);
  if (match === null || Number(match[2] ?? 1) < 1)
    throw new UsageError(
      `${flag} takes a registered model as NAME or NAME:VERSION (\`trainwire models list\` shows them); got "${text}"`,
    );
  return { name: match[1]!, ...(match[2] === undefined ? {} : { version: Number(match[2]) }) };
}

/** `--input ROLE=PATH` with `--map-path FROM=TO` applied (core's rule). */
export function mapPaths(args: ParsedArgs): Record<string, string> {
  return mapInputPaths(pairsFlag(args, 'input'), pairsFlag(args, 'map-path'));
}

/** Flags that choose what a job runs: a derived job (`--continue`, `--retry`) takes its own. */
const OWN_SPEC_FLAGS = [
  'pipeline',
  'stages',
  'profile',
  'config',
  'preset',
  'resume',
  'fine-tune',
  'input',
  'upload',
  'map-path',
];

/**
 * `train --continue EXP` / `--retry EXP`: what the new job derives from, checked before
 * anything connects. The worker's experiment supplies profile, config, inputs and
 * checkpoint; `--epochs`, `--lr` and `--batch-size` change a continued run's config.
 */
export function derivationFrom(args: ParsedArgs): Derivation | undefined {
  const continued = stringFlag(args, 'continue');
  const retried = stringFlag(args, 'retry');
  if (continued === undefined && retried === undefined) return undefined;
  if (continued !== undefined && retried !== undefined)
    throw new UsageError('--continue and --retry exclude each other; pass one');
  const flag = continued === undefined ? 'retry' : 'continue';
  const from = experimentIdArg([continued ?? retried!], 0, `--${flag} EXPERIMENT`);
  const clashing = OWN_SPEC_FLAGS.filter((name) => args.values[name] !== undefined);
  if (clashing.length > 0)
    throw new UsageError(
      `--${flag} runs experiment ${from}'s profile, config and inputs; drop ${clashing.map((name) => `--${name}`).join(', ')} (or start a new run without --${flag})`,
    );
  const overrides = {
    epochs: intFlag(args, 'epochs'),
    learningRate: numberFlag(args, 'lr'),
    batchSize: intFlag(args, 'batch-size'),
  };
  const name = stringFlag(args, 'name');
  const named = name === undefined ? {} : { name };
  if (flag === 'retry') {
    if (Object.values(overrides).some((value) => value !== undefined))
      throw new UsageError(
        `--retry runs experiment ${from} again with its own config; to change --epochs, --lr or --batch-size, use --continue ${from} or start a new run`,
      );
    return { kind: 'retry', from, ...named };
  }
  return {
    kind: 'continue',
    from,
    ...named,
    config: (parent, profile) => withOverrides(profile, parent, overrides),
  };
}

/** `config` with the `--epochs` / `--lr` / `--batch-size` overrides, where `profile` keeps them. */
function withOverrides(
  profile: string,
  config: Record<string, unknown>,
  overrides: ConfigOverrides,
): Record<string, unknown> {
  try {
    return applyOverrides(
      PROFILES.find((p) => p.id === profile),
      config,
      overrides,
    );
  } catch (error) {
    if (!isTrainwireError(error, 'unsupported_override')) throw error;
    throw new UsageError(
      `--epochs, --lr and --batch-size apply to the ${PROFILES.map((p) => p.id).join(', ')} profiles; set them in --config for "${profile}"`,
      { cause: error },
    );
  }
}

/** The exact command that resumes a job from `checkpoint`, from the flags it was started with. */
export function resumeCommandFor(args: ParsedArgs, workerName: string, checkpoint: string): string {
  return buildResumeCommand({
    worker: workerName,
    profile: profileOf(args),
    checkpoint,
    flags: RESUME_FLAGS.map((flag) => [flag, stringFlag(args, flag)] as const),
    inputs: pairsFlag(args, 'input'),
    mapPaths: pairsFlag(args, 'map-path'),
  });
}
