import { BUILTIN_PRESETS, builtinConfigProfile, type ConfigProfile } from '@trainwire/core';

/**
 * What the dashboard's Quick Start and its Resume / Retry buttons train with: the trainer
 * profile, its ready-made configs by name, the one Quick Start uses, and the profile's
 * config rules (where it keeps its epochs: Resume trains for more).
 */
export interface TrainingPresets {
  /** The worker's trainer profile the jobs run with (`builtin`). */
  profile: string;
  /** Ready-made configs by name, offered in this order (core's `BUILTIN_PRESETS`). */
  presets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The preset Quick Start uses with one click. */
  defaultPreset: string;
  /** The profile's config rules; without `fields`, Resume continues with the parent's config. */
  configProfile?: Pick<ConfigProfile, 'id' | 'fields' | 'totalEpochs'>;
}

/** The built-in trainer's presets (`quick`, `standard`), Quick Start on `quick`. */
export const BUILTIN_TRAINING: TrainingPresets = {
  profile: 'builtin',
  presets: BUILTIN_PRESETS,
  defaultPreset: 'quick',
  configProfile: builtinConfigProfile,
};
