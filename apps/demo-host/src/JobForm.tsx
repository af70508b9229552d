import { useId } from 'react';

/** What the host's own "Training Configuration" form holds. */
export interface JobFormValues {
  /** The worker's trainer profile (`builtin` unless the worker offers others). */
  profile: string;
  /** The config as the user typed it (JSON or YAML). */
  config: string;
  /** A dataset file as this machine names it; empty for the built-in synthetic data. */
  dataset: string;
}

/** The built-in trainer's quick job (the CLI's `--preset quick`), `epochs` long. */
export function defaultJobForm(epochs: number): JobFormValues {
  const config = {
    epochs,
    batchSize: 64,
    learningRate: 0.01,
    hiddenLayers: [32, 32],
    dataset: { synthetic: { samples: 2000, features: 2, classes: 3, noise: 0.1 } },
  };
  return { profile: 'builtin', config: JSON.stringify(config, null, 2), dataset: '' };
}

/**
 * A pipeline of two built-in stages, `epochs` each, as the form holds one: profile
 * `pipeline`, the config `{"stages": […]}` (the file `trainwire train --profile pipeline
 * --config` reads). The stages are named as sleap-nn's top-down pair.
 */
export function twoStageJobForm(epochs: number): JobFormValues {
  const stage = (name: string, seed: number) => ({
    name,
    profile: 'builtin',
    config: {
      epochs,
      batchSize: 64,
      seed,
      dataset: { synthetic: { samples: 2000, features: 2, classes: 3, noise: 0.1 } },
    },
  });
  const config = { stages: [stage('centroid', 1), stage('centered_instance', 2)] };
  return { profile: 'pipeline', config: JSON.stringify(config, null, 2), dataset: '' };
}

/**
 * The host's own training form (not trainwire's): the trainer profile, the config text and
 * an optional dataset path, and "Two-stage run", which fills it with a two-stage pipeline.
 * The remote-training panel's Run submits what it holds.
 */
export function JobForm({
  values,
  onChange,
  epochs,
}: {
  values: JobFormValues;
  onChange: (values: JobFormValues) => void;
  /** Epochs of each stage of the two-stage run. */
  epochs: number;
}) {
  const id = useId();
  return (
    <fieldset className="demo-form">
      <legend>Training Configuration</legend>
      <label htmlFor={`${id}-profile`}>Trainer profile</label>
      <input
        id={`${id}-profile`}
        value={values.profile}
        onChange={(event) => onChange({ ...values, profile: event.target.value })}
      />
      <label htmlFor={`${id}-dataset`}>Dataset on this machine (optional)</label>
      <input
        id={`${id}-dataset`}
        value={values.dataset}
        placeholder="/Users/me/data/spirals.csv"
        onChange={(event) => onChange({ ...values, dataset: event.target.value })}
      />
      <label htmlFor={`${id}-config`}>Config (JSON or YAML)</label>
      <textarea
        id={`${id}-config`}
        rows={8}
        spellCheck={false}
        value={values.config}
        onChange={(event) => onChange({ ...values, config: event.target.value })}
      />
      <p className="demo-form-presets">
        <button type="button" onClick={() => onChange(twoStageJobForm(epochs))}>
          Two-stage run
        </button>{' '}
        <button type="button" onClick={() => onChange(defaultJobForm(epochs))}>
          Single run
        </button>{' '}
        <span className="demo-note">
          Two-stage run: a pipeline of two built-in stages, then press Run.
        </span>
      </p>
    </fieldset>
  );
}
