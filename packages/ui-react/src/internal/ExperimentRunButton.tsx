import type { Experiment } from '@trainwire/core';
import { type ExperimentRuns, nextRun } from './useExperimentRuns.js';

/** Resume (a completed experiment) or Retry (a failed or cancelled one); nothing otherwise. */
export function ExperimentRunButton({
  experiment,
  runs,
}: {
  experiment: Experiment;
  runs: ExperimentRuns;
}) {
  const { blocked } = runs;
  const next = nextRun(experiment);
  if (next === null) return null;
  const label = next === 'resume' ? 'Resume' : 'Retry';
  return (
    <button
      type="button"
      aria-label={`${label} ${experiment.name}`}
      title={
        blocked ??
        (next === 'resume'
          ? 'Continue training from its last checkpoint, as a child experiment'
          : 'Run it again with the same config, as a new experiment')
      }
      disabled={blocked !== null}
      onClick={() => (next === 'resume' ? runs.resume(experiment) : runs.retry(experiment))}
    >
      {runs.pending === experiment.id ? `${label}…` : label}
    </button>
  );
}
