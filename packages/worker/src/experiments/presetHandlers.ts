import { statSync } from 'node:fs';
import {
  type DatasetSize,
  estimateDuration,
  type MethodHandlers,
  PRESET_NAMES,
  presetsFor,
  type TrainingPreset,
} from '@trainwire/core';
import { WorkerError } from '../errors.js';
import { epochHistory } from '../internal/epochHistory.js';
import type { Sandbox } from '../sandbox/Sandbox.js';
import type { WorkerParts } from '../Worker.js';

/**
 * `preset.list`: each preset of a trainer profile with its full config and the time this
 * worker expects it to take, from its own history of that profile's epochs.
 */
export function presetHandlers(
  parts: WorkerParts,
  sandbox: Sandbox,
): Pick<Required<MethodHandlers>, 'preset.list'> {
  return {
    'preset.list': async ({ profile, dataset }) => {
      if (!parts.profiles.has(profile)) {
        throw new WorkerError(
          'unknown_profile',
          `this worker has no trainer profile "${profile}"; it offers: ${[...parts.profiles.keys()].join(', ') || '(none)'}`,
        );
      }
      const presets = presetsFor(profile);
      if (presets === undefined) return { profile, presets: [] };
      const file = dataset === undefined ? undefined : await sandbox.resolve(dataset);
      const fileSize: DatasetSize | undefined =
        file === undefined ? undefined : { value: statSync(file).size, unit: 'bytes' };
      const history = epochHistory(parts.db, profile);
      const answered: TrainingPreset[] = PRESET_NAMES.map((name) => {
        const config = structuredClone(presets.presets[name]) as Record<string, unknown>;
        const epochs = presets.configProfile.totalEpochs(config) ?? 1;
        const datasetSize = fileSize ?? { value: presets.samples(config), unit: 'samples' };
        return {
          name,
          config,
          epochs,
          datasetSize,
          estimate: estimateDuration(history, { epochs, datasetSize }),
        };
      });
      return { profile, presets: answered };
    },
  };
}
