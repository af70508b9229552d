import { readFile } from 'node:fs/promises';
import { isTrainwireError, type JobSpecInput, parseConfigText } from '@trainwire/core';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { intFlag, numberFlag, type ParsedArgs, pairsFlag, stringFlag } from './args.js';
import { fsProblem } from './fsProblem.js';

/** Where each override lands in a profile's config. */
const OVERRIDES: Record<string, { epochs: string[]; lr: string[]; batchSize: string[] }> = {
  builtin: { epochs: ['epochs'], lr: ['learningRate'], batchSize: ['batchSize'] },
  'sleap-nn': {
    epochs: ['trainer_config', 'max_epochs'],
    lr: ['trainer_config', 'optimizer', 'lr'],
    batchSize: ['trainer_config', 'train_data_loader', 'batch_size'],
  },
};

/** Presets of the built-in trainer: `quick` trains in seconds on 2 cores. */
export const PRESETS: Record<string, Record<string, unknown>> = {
  quick: {
    epochs: 8,
    batchSize: 64,
    learningRate: 0.01,
    hiddenLayers: [32, 32],
    dataset: { synthetic: { samples: 2000, features: 2, classes: 3, noise: 0.1 } },
  },
  standard: {
    epochs: 30,
    batchSize: 32,
    learningRate: 0.005,
    hiddenLayers: [64, 64],
    dataset: { synthetic: { samples: 10000, features: 4, classes: 4, noise: 0.15 } },
  },
};

function setPath(config: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = config;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Applies `--map-path FROM=TO` prefixes to input paths (longest prefix first). */
export function mapPaths(
  inputs: Record<string, string>,
  maps: Record<string, string>,
): Record<string, string> {
  const prefixes = Object.keys(maps).sort((a, b) => b.length - a.length);
  const out: Record<string, string> = {};
  for (const [role, path] of Object.entries(inputs)) {
    const from = prefixes.find(
      (prefix) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`),
    );
    out[role] = from === undefined ? path : `${maps[from]}${path.slice(from.length)}`;
  }
  return out;
}

/** The job spec from `train`'s flags: profile, config file or preset, overrides, inputs, resume. */
export async function buildSpec(args: ParsedArgs): Promise<JobSpecInput> {
  const profile = stringFlag(args, 'profile') ?? 'builtin';
  const file = stringFlag(args, 'config');
  const preset = stringFlag(args, 'preset');
  let config: Record<string, unknown> = {};
  if (preset !== undefined) {
    if (profile !== 'builtin') throw new UsageError('--preset applies to the builtin profile only');
    const chosen = PRESETS[preset];
    if (chosen === undefined)
      throw new UsageError(
        `--preset "${preset}" is not known; use one of ${Object.keys(PRESETS).join(', ')}`,
      );
    config = structuredClone(chosen);
  }
  if (file !== undefined) {
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new UsageError(
        `cannot read --config ${file}: ${fsProblem(error)}; pass --config the path of a YAML or JSON trainer config on this machine`,
        { cause: error },
      );
    });
    try {
      config = { ...config, ...parseConfigText(text, file) };
    } catch (error) {
      if (isTrainwireError(error))
        throw new CliError(error.code, ExitCode.usage, error.message, { cause: error });
      throw error;
    }
  }
  const overrides = OVERRIDES[profile];
  const epochs = intFlag(args, 'epochs');
  const lr = numberFlag(args, 'lr');
  const batchSize = intFlag(args, 'batch-size');
  if ((epochs ?? lr ?? batchSize) !== undefined && overrides === undefined) {
    throw new UsageError(
      `--epochs, --lr and --batch-size apply to the builtin and sleap-nn profiles; set them in --config for "${profile}"`,
    );
  }
  if (overrides !== undefined) {
    if (epochs !== undefined) setPath(config, overrides.epochs, epochs);
    if (lr !== undefined) setPath(config, overrides.lr, lr);
    if (batchSize !== undefined) setPath(config, overrides.batchSize, batchSize);
  }
  const inputs = mapPaths(pairsFlag(args, 'input'), pairsFlag(args, 'map-path'));
  const resume = stringFlag(args, 'resume');
  const name = stringFlag(args, 'name');
  const device = stringFlag(args, 'device');
  if (device !== undefined && !['auto', 'cpu', 'gpu'].includes(device))
    throw new UsageError(`--device must be auto, cpu or gpu; got "${device}"`);
  return {
    profile,
    config,
    inputs,
    ...(resume === undefined ? {} : { resume }),
    ...(name === undefined ? {} : { name }),
    ...(device === undefined ? {} : { device: device as 'auto' | 'cpu' | 'gpu' }),
  };
}

/** The exact command that resumes a job from `checkpoint`, from the flags it was started with. */
export function resumeCommandFor(args: ParsedArgs, workerName: string, checkpoint: string): string {
  const quote = (value: string) =>
    /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
  const parts = [
    'trainwire',
    'train',
    '--worker',
    quote(workerName),
    '--profile',
    quote(stringFlag(args, 'profile') ?? 'builtin'),
  ];
  for (const flag of ['preset', 'config', 'epochs', 'lr', 'batch-size', 'name', 'device']) {
    const value = stringFlag(args, flag);
    if (value !== undefined) parts.push(`--${flag}`, quote(value));
  }
  for (const [role, path] of Object.entries(pairsFlag(args, 'input')))
    parts.push('--input', quote(`${role}=${path}`));
  for (const [from, to] of Object.entries(pairsFlag(args, 'map-path')))
    parts.push('--map-path', quote(`${from}=${to}`));
  parts.push('--resume', quote(checkpoint));
  return parts.join(' ');
}
