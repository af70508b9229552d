import {
  deriveJobSpec,
  type Experiment,
  type Experiments,
  isFinalJobState,
  type JobSpecInput,
  PREDICT_TAG,
} from '@trainwire/core';
import { useState } from 'react';
import type { ExperimentRunProps } from '../ExperimentRunProps.js';
import { BUILTIN_TRAINING } from '../TrainingPresets.js';
import { useJobManager } from '../useJobManager.js';
import { useJobs } from '../useJobs.js';
import { useSubmitFlow } from '../useSubmitFlow.js';
import { continuedConfig, experimentSpec } from './experimentSpec.js';
import { useJobStates } from './useJobStates.js';

/** Whether an experiment offers Resume (it completed) or Retry (it failed or was cancelled). */
export function nextRun(experiment: Experiment): 'resume' | 'retry' | null {
  // A synthetic dataset's job wrote a file: there is nothing to train on from it.
  if (experiment.preset === 'generate-dataset') return null;
  // A predict job's made predictions: there is nothing to continue (the worker tags it).
  if (experiment.tags.includes(PREDICT_TAG)) return null;
  if (experiment.status === 'completed') return 'resume';
  if (experiment.status === 'failed' || experiment.status === 'cancelled') return 'retry';
  return null;
}

/**
 * Quick Start, Resume and Retry: make the experiment (`experiment.create`, `continue`,
 * `retry`), then submit its job through the submission's `SubmitFlow`, so its dialogs show.
 * `pending` names what is being made; `error` why the last one could not be; `blocked`
 * why none can start now (one is being submitted, or a job of the manager is active).
 */
export function useExperimentRuns(
  target: Omit<ExperimentRunProps, 'experiments'> & { experiments?: Experiments | undefined },
) {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { training = BUILTIN_TRAINING, transport, onSession } = target;
  const own = useSubmitFlow();
  const submission = target.submission ?? own;
  // Quick Start, Resume and Retry make experiments; a view without them only runs its own jobs.
  const withExperiments = () => {
    if (target.experiments === undefined)
      throw new Error("this view was given no client of the worker's experiments");
    return target.experiments;
  };
  const manager = useJobManager();
  const active = useJobStates(useJobs((s) => s.jobs)).some((state) => !isFinalJobState(state));
  const phase = submission.snapshot?.phase;
  const submitting =
    pending !== null ||
    phase === 'submitting' ||
    phase === 'fixing-paths' ||
    phase === 'acknowledging-warnings';
  const blocked = submitting
    ? 'Starting a training…'
    : active
      ? 'A training is running; wait for it to end, or stop it, before starting another.'
      : null;
  // Resolves true once the job is handed to the submission, false when it could not be made.
  const run = (key: string, what: string, make: () => Promise<JobSpecInput>) => {
    setPending(key);
    setError(null);
    return make()
      .then((spec) => {
        submission.submit(spec, {
          ...(transport === undefined ? {} : { transport }),
          ...(onSession === undefined ? {} : { onSession }),
        });
        return true;
      })
      .catch((reason: unknown) => {
        setError(`Could not ${what}: ${reason instanceof Error ? reason.message : String(reason)}`);
        return false;
      })
      .finally(() => setPending(null));
  };
  return {
    pending,
    error,
    blocked,
    /** The submission the runs go through (the widget's own when none was given). */
    submission,
    /** What they train with. */
    training,
    /** Any job a view builds (`what` says it in an error: "start the training of mouse-pose"). */
    runWith: run,
    /** A new experiment with the preset's config, and its job. */
    start: (preset: string, name: string) =>
      run(`preset:${preset}`, `start the ${preset} training`, async () => {
        const config = training.presets[preset];
        if (config === undefined)
          throw new Error(`there is no preset "${preset}"; pick one of the list`);
        const experiment = await withExperiments().create({
          name,
          preset,
          config: structuredClone({ ...config }),
        });
        return experimentSpec(experiment, training.profile);
      }),
    /** A child continuing `parent` from its last checkpoint, for more epochs. */
    // Core's rule for both: the child on the worker, its job from the parent's own last job
    // (its profile and inputs, which an experiment does not record).
    resume: (parent: Experiment) =>
      run(parent.id, `resume ${parent.name}`, async () => {
        const derived = await deriveJobSpec(
          manager.peerFor(transport),
          {
            kind: 'continue',
            from: parent.id,
            config: (config, _profile, epochsDone) =>
              continuedConfig(training, { ...parent, config }, target.resumeEpochs, epochsDone) ??
              config,
          },
          { experiments: withExperiments() },
        );
        return derived.spec;
      }),
    /** A retry of a failed or cancelled experiment, with its config. */
    retry: (of: Experiment) =>
      run(of.id, `retry ${of.name}`, async () => {
        const derived = await deriveJobSpec(
          manager.peerFor(transport),
          { kind: 'retry', from: of.id },
          { experiments: withExperiments() },
        );
        return derived.spec;
      }),
  };
}

/** What {@link useExperimentRuns} gives a view. */
export type ExperimentRuns = ReturnType<typeof useExperimentRuns>;
