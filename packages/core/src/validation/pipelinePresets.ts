import type { JobSpecInput } from '../schemas/JobSpec.js';
import { STAGE_REF_PREFIX, type StageSpecInput } from '../schemas/StageSpec.js';

type Config = Record<string, unknown>;

/** What a pipeline preset is built from. */
export interface PipelinePresetOptions {
  /** Input files every stage trains on, by role (sleap-nn: `labels` → a `.slp` on the worker). */
  inputs: Record<string, string>;
  /** A config every stage starts from (the stage's head and settings go on top). */
  base?: Config;
  /** Per stage name, fields that replace the preset's (merged deeply; `null` clears). */
  overrides?: Record<string, Config>;
  /** The job's name (`spec.name`): the models are registered as `NAME/STAGE`. */
  name?: string;
}

/** A named pipeline of a trainer profile: which stages, each with what config. */
export interface PipelinePreset {
  /** The trainer profile its stages use. */
  profile: string;
  name: string;
  description: string;
  /** The stage names, in order. */
  stageNames: readonly string[];
  /** The stages for these options: each a full config of `profile`. */
  stages(options: PipelinePresetOptions): StageSpecInput[];
}

/** A sleap-nn config with a UNet that every top-down stage starts from (a small, quick one). */
const SLEAP_NN_BASE: Config = {
  data_config: {
    validation_fraction: 0.1,
    preprocessing: { scale: 1.0 },
  },
  model_config: {
    backbone_config: { unet: { filters: 16, max_stride: 16, output_stride: 2 } },
  },
  trainer_config: {
    max_epochs: 100,
    train_data_loader: { batch_size: 4 },
    val_data_loader: { batch_size: 4 },
    optimizer_name: 'Adam',
    optimizer: { lr: 0.0001 },
    save_ckpt: true,
  },
};

/** Heads sleap-nn knows: a stage sets its own and nulls the others (one head per model). */
const SLEAP_NN_HEADS = [
  'single_instance',
  'centroid',
  'centered_instance',
  'bottomup',
  'multi_class_bottomup',
  'multi_class_topdown',
];

function withHead(head: string, settings: Config): Config {
  const heads: Config = {};
  for (const other of SLEAP_NN_HEADS) heads[other] = null;
  heads[head] = settings;
  return { model_config: { head_configs: heads } };
}

/** `base` with `over` merged in, objects deeply; a value of `over` (null too) replaces. */
export function mergeConfig(base: Config, over: Config): Config {
  const out: Config = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const was = out[key];
    out[key] = isObject(was) && isObject(value) ? mergeConfig(was, value) : structuredClone(value);
  }
  return out;
}

function isObject(value: unknown): value is Config {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * sleap-nn's top-down pipeline: a `centroid` model (finds each animal) and a
 * `centered_instance` model (its keypoints in a crop around the centroid). sleap-nn trains
 * them apart; the second stage is given the first's model as input `centroid_model`, so the
 * pipeline's record holds both, in order, as `sleap-nn track` needs them (`--model_paths`
 * centroid, then centered instance).
 */
const TOP_DOWN: PipelinePreset = {
  profile: 'sleap-nn',
  name: 'top-down',
  description: 'sleap-nn top-down: centroid, then centered instance',
  stageNames: ['centroid', 'centered_instance'],
  stages: ({ inputs, base = {}, overrides = {} }) => {
    const start = mergeConfig(SLEAP_NN_BASE, base);
    const centroid = mergeConfig(
      mergeConfig(
        start,
        withHead('centroid', { confmaps: { anchor_part: null, sigma: 2.5, output_stride: 2 } }),
      ),
      overrides.centroid ?? {},
    );
    const centered = mergeConfig(
      mergeConfig(
        mergeConfig(start, { data_config: { preprocessing: { crop_hw: [160, 160] } } }),
        withHead('centered_instance', {
          confmaps: { anchor_part: null, sigma: 1.5, output_stride: 2 },
        }),
      ),
      overrides.centered_instance ?? {},
    );
    return [
      { name: 'centroid', profile: 'sleap-nn', config: centroid, inputs: { ...inputs } },
      {
        name: 'centered_instance',
        profile: 'sleap-nn',
        config: centered,
        inputs: { ...inputs, centroid_model: `${STAGE_REF_PREFIX}centroid` },
      },
    ];
  },
};

/**
 * The pipeline presets, by trainer profile and name: `sleap-nn` → `top-down`.
 *
 * @example
 * ```ts
 * const spec = pipelineSpec('sleap-nn', 'top-down', { inputs: { labels: '/data/flies.slp' } });
 * const session = manager.submit(spec);
 * ```
 */
export const PIPELINE_PRESETS: Readonly<Record<string, Readonly<Record<string, PipelinePreset>>>> =
  {
    'sleap-nn': { 'top-down': TOP_DOWN },
  };

/** The pipeline preset `name` of `profile`, or undefined when there is none. */
export function pipelinePresetFor(profile: string, name: string): PipelinePreset | undefined {
  const ofProfile = Object.hasOwn(PIPELINE_PRESETS, profile)
    ? PIPELINE_PRESETS[profile]
    : undefined;
  return ofProfile !== undefined && Object.hasOwn(ofProfile, name) ? ofProfile[name] : undefined;
}

/**
 * A pipeline job spec from a preset, ready for `JobManager.submit`. Throws a `RangeError`
 * naming the presets there are when `profile` has no preset `name`.
 */
export function pipelineSpec(
  profile: string,
  name: string,
  options: PipelinePresetOptions,
): JobSpecInput {
  const preset = pipelinePresetFor(profile, name);
  if (preset === undefined) {
    const known = Object.entries(PIPELINE_PRESETS).flatMap(([p, presets]) =>
      Object.keys(presets).map((n) => `${p} ${n}`),
    );
    throw new RangeError(
      `there is no pipeline preset "${name}" for profile ${profile}; the pipeline presets are: ${known.join(', ')}`,
    );
  }
  return {
    profile: 'pipeline',
    name: options.name ?? preset.name,
    stages: preset.stages(options),
  };
}
