import {
  applyOverrides,
  continuedTotalEpochs,
  type Experiment,
  type JobSpecInput,
} from '@trainwire/core';
import type { TrainingPresets } from '../TrainingPresets.js';

/**
 * The job that runs `experiment` (made by `experiment.create`, `continue` or `retry`): its
 * config, in it (`experimentId`), resuming from its checkpoint when it has one.
 */
export function experimentSpec(experiment: Experiment, profile: string): JobSpecInput {
  return {
    profile,
    config: experiment.config,
    experimentId: experiment.id,
    name: experiment.name,
    tags: experiment.tags,
    ...(experiment.checkpointSource === undefined ? {} : { resume: experiment.checkpointSource }),
    ...(experiment.parentId === undefined ? {} : { parentExperiment: experiment.parentId }),
  };
}

/**
 * The config a continued experiment trains with, by core's `continuedTotalEpochs`: a
 * parent that stopped short of its total (`epochsDone`) is finished, one that reached it
 * trains `more` epochs past where it got (as many again by default), written where the
 * profile keeps its epochs; undefined (the parent's config) when the profile does not say
 * where that is.
 */
export function continuedConfig(
  training: TrainingPresets,
  parent: Experiment,
  more?: number,
  epochsDone?: number,
): Record<string, unknown> | undefined {
  const profile = training.configProfile;
  const total = profile?.totalEpochs(parent.config);
  if (profile?.fields === undefined || total === undefined) return undefined;
  return applyOverrides(profile, parent.config, {
    epochs: continuedTotalEpochs(total, epochsDone, more),
  });
}
