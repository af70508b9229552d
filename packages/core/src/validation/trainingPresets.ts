import type { PresetName } from '../schemas/Preset.js';
import { builtinConfigProfile } from './builtinConfigProfile.js';
import { BUILTIN_PRESETS } from './builtinPresets.js';
import type { ConfigProfile } from './ConfigProfile.js';
import { readField } from './configFields.js';
import { pytorchConfigProfile } from './pytorchConfigProfile.js';

/** The preset names, shortest run first. */
export const PRESET_NAMES: readonly PresetName[] = ['quick', 'standard', 'epic'];

/** The presets of one trainer profile, and how to read a config of it. */
export interface ProfilePresets {
  /** The profile's config rules (its epochs: `totalEpochs`). */
  configProfile: ConfigProfile;
  /** Each preset's full config: a valid config of the profile. */
  presets: Readonly<Record<PresetName, Readonly<Record<string, unknown>>>>;
  /** Synthetic samples a config trains on (what the estimate scales with). */
  samples(config: Record<string, unknown>): number;
}

const BUILTIN_DEFAULT_SAMPLES = 1000;
const PYTORCH_DEFAULT_SAMPLES = 640;

/**
 * The presets of each trainer profile that has them, mapped to full configs: `builtin`
 * (`quick` and `standard` are {@link BUILTIN_PRESETS}) and `pytorch`. A user sees "Quick";
 * the worker runs the whole config, which they may inspect and override. Copy a config
 * before changing it (`structuredClone`).
 *
 * @example
 * ```ts
 * const config = structuredClone(TRAINING_PRESETS.pytorch!.presets.standard);
 * ```
 */
export const TRAINING_PRESETS: Readonly<Record<string, ProfilePresets>> = {
  builtin: {
    configProfile: builtinConfigProfile,
    presets: {
      quick: BUILTIN_PRESETS.quick!,
      standard: BUILTIN_PRESETS.standard!,
      epic: {
        epochs: 100,
        batchSize: 64,
        learningRate: 0.003,
        hiddenLayers: [128, 128, 64],
        dataset: { synthetic: { samples: 50000, features: 8, classes: 6, noise: 0.2 } },
      },
    },
    samples: (config) => {
      const samples = readField(config, ['dataset', 'synthetic', 'samples']);
      return typeof samples === 'number' ? samples : BUILTIN_DEFAULT_SAMPLES;
    },
  },
  pytorch: {
    configProfile: pytorchConfigProfile,
    presets: {
      quick: { epochs: 3, batchSize: 32, learningRate: 0.003, samples: 320, imageSize: 32 },
      standard: { epochs: 15, batchSize: 16, learningRate: 0.003, samples: 1280, imageSize: 32 },
      epic: {
        epochs: 60,
        batchSize: 32,
        learningRate: 0.001,
        samples: 8000,
        imageSize: 64,
        filters: 16,
        keypoints: 4,
      },
    },
    samples: (config) => {
      const samples = readField(config, ['samples']);
      return typeof samples === 'number' ? samples : PYTORCH_DEFAULT_SAMPLES;
    },
  },
};

/** The presets of `profile`, or undefined for a profile without presets. */
export function presetsFor(profile: string): ProfilePresets | undefined {
  return Object.hasOwn(TRAINING_PRESETS, profile) ? TRAINING_PRESETS[profile] : undefined;
}
