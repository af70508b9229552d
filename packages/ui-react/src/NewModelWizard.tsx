import {
  baseName,
  type Device,
  type Experiments,
  type JobSpecInput,
  listPresets,
  type PresetChoice,
  type RpcPeer,
} from '@trainwire/core';
import { useId, useState } from 'react';
import type { ExperimentRunProps } from './ExperimentRunProps.js';
import { Dialog } from './internal/Dialog.js';
import { experimentSpec } from './internal/experimentSpec.js';
import { modelNameOf } from './internal/names.js';
import {
  configWith,
  presetValue,
  type TrainingFields,
  TrainingFieldsInputs,
} from './internal/TrainingFields.js';
import { useAsyncValue } from './internal/useAsyncValue.js';
import { useExperimentRuns } from './internal/useExperimentRuns.js';
import { useReadiness } from './internal/useReadiness.js';
import { useWorkerDatasets } from './internal/useWorkerDatasets.js';
import { SubmitFlowDialogs } from './SubmitFlowDialogs.js';

/** Props of {@link NewModelWizard}. */
export interface NewModelWizardProps
  extends Omit<ExperimentRunProps, 'experiments' | 'resumeEpochs'> {
  /**
   * The worker's experiments: a model from scratch then trains in an experiment made first,
   * recording its preset (`experiment.create`); without it the worker makes the experiment.
   */
  experiments?: Pick<Experiments, 'create'>;
  /** The same worker's RPC connection: its presets, readiness, datasets and registered models. */
  peer: Pick<RpcPeer, 'request'>;
  /** The user's CPU-only preference: no GPU and no "Auto" offered. */
  cpuOnly?: boolean;
  /** Closes the wizard (Cancel, Escape, and once the job is handed to the host's submission). */
  onClose: () => void;
}

const DEVICE_LABELS: Record<Device, string> = {
  auto: 'Auto (GPU when available)',
  gpu: 'GPU',
  cpu: 'CPU',
};
const title = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/**
 * "New model": a name (written as a model name takes it, `[A-Za-z0-9_-]`, shown as it will be
 * saved while the user types), from scratch or fine-tuned from a registered model
 * (`JobSpec.fineTune`), the device (the worker's readiness says whether it has a GPU; a
 * CPU-only preference hides it), a preset with the worker's estimate next to each (core's
 * `listPresets`: "no history yet" until a run of the profile completed), epochs, learning
 * rate and dataset. Start submits through core's `SubmitFlow`, as Quick Start does; the job
 * registers its model under the name when it completes.
 *
 * @example
 * ```tsx
 * {open ? <NewModelWizard experiments={experiments} peer={peer} onClose={() => setOpen(false)} /> : null}
 * ```
 */
export function NewModelWizard(props: NewModelWizardProps) {
  const { peer, onClose, experiments } = props;
  const runs = useExperimentRuns({ ...props, experiments: undefined });
  const { training } = runs;
  const ids = { name: useId(), hint: useId(), base: useId(), device: useId(), dataset: useId() };
  const [typed, setTyped] = useState('');
  const [base, setBase] = useState('');
  const [presetName, setPresetName] = useState(training.defaultPreset);
  const [fields, setFields] = useState<TrainingFields>({ epochs: '', learningRate: '' });
  const [device, setDevice] = useState<Device | null>(null);
  const [dataset, setDataset] = useState('');
  const readiness = useReadiness(peer, { cpuOnly: props.cpuOnly });
  const datasets = useWorkerDatasets(peer);
  const presets = useAsyncValue<readonly PresetChoice[]>(
    () => listPresets(peer, training.profile, dataset === '' ? {} : { dataset }),
    dataset,
    (words) => `Could not ask the worker for its presets and estimates: ${words}`,
  );
  const registered = useAsyncValue(
    async () => (await peer.request('model.list', {})).models,
    '',
    (words) => `Could not list the registered models: ${words}`,
  );

  const name = modelNameOf(typed);
  const choices = presets.value ?? [];
  const preset = choices.find((p) => p.name === presetName) ?? choices[0];
  const devices = readiness.view?.devices ?? ['cpu'];
  const chosenDevice = device !== null && devices.includes(device) ? device : devices[0]!;
  const fromModel = registered.value?.find((m) => `${m.name}@${m.version}` === base);
  const action = `${fromModel === undefined ? 'train' : 'fine-tune'}:${training.profile}`;
  const config = preset === undefined ? undefined : configWith(training, preset.config, fields);
  const why =
    (name === '' ? 'Give the model a name first.' : null) ??
    readiness.why(action) ??
    (chosenDevice === 'gpu' ? readiness.why('device:gpu') : null) ??
    (preset === undefined
      ? presets.status === 'loading'
        ? 'Asking the worker for its presets…'
        : 'The worker offers no presets for this trainer.'
      : null) ??
    (config === undefined || typeof config === 'string' ? (config ?? null) : null) ??
    runs.blocked;

  const start = async () => {
    if (why !== null || preset === undefined || typeof config !== 'object') return;
    const inputs: Record<string, string> = dataset === '' ? {} : { dataset };
    const own: Pick<JobSpecInput, 'device' | 'inputs'> = { device: chosenDevice, inputs };
    const submitted = await runs.runWith('wizard', `start the training of ${name}`, async () => {
      if (fromModel !== undefined)
        return {
          profile: training.profile,
          config,
          name,
          fineTune: { model: fromModel.name, version: fromModel.version },
          ...own,
        };
      if (experiments === undefined) return { profile: training.profile, config, name, ...own };
      const experiment = await experiments.create({ name, preset: preset.name, config });
      return { ...experimentSpec(experiment, training.profile), ...own };
    });
    if (submitted && props.submission !== undefined) onClose();
  };
  const started = props.submission === undefined && runs.submission.snapshot?.phase === 'started';

  return (
    <Dialog
      title="New Model"
      className="tw-new-model"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            {started ? 'Close' : 'Cancel'}
          </button>
          <button
            type="button"
            className="tw-primary"
            disabled={why !== null}
            onClick={() => void start()}
          >
            Start training
          </button>
        </>
      }
    >
      <div className="tw-field">
        <label htmlFor={ids.name}>Model name</label>{' '}
        <input
          id={ids.name}
          value={typed}
          aria-describedby={ids.hint}
          autoComplete="off"
          onChange={(event) => setTyped(event.target.value)}
        />
        <p id={ids.hint} className="tw-field-hint">
          {name === ''
            ? 'Letters, digits, "_" and "-"; anything else becomes "-".'
            : `Saved as ${name}`}
        </p>
      </div>
      <fieldset className="tw-field">
        <legend>Start from</legend>
        <label>
          <input
            type="radio"
            name={ids.base}
            checked={fromModel === undefined}
            onChange={() => setBase('')}
          />{' '}
          Train from scratch
        </label>
        {(registered.value ?? []).map((m) => (
          <label key={`${m.name}@${m.version}`}>
            <input
              type="radio"
              name={ids.base}
              checked={fromModel === m}
              onChange={() => setBase(`${m.name}@${m.version}`)}
            />{' '}
            Fine-tune {m.name} version {m.version}
            {m.active ? ' (active)' : ''}
          </label>
        ))}
        {registered.value?.length === 0 ? (
          <p className="tw-field-hint">No registered model yet to start from.</p>
        ) : null}
      </fieldset>
      <fieldset className="tw-field tw-presets">
        <legend>Preset</legend>
        {choices.length === 0 && presets.status === 'loading' ? (
          <p>Asking the worker for its presets…</p>
        ) : null}
        {choices.map((p) => (
          <label key={p.name}>
            <input
              type="radio"
              name={`${ids.base}-preset`}
              checked={preset?.name === p.name}
              onChange={() => setPresetName(p.name)}
            />{' '}
            {title(p.name)} — {p.epochs} epochs{' '}
            <span className="tw-estimate">· {p.estimateText}</span>
          </label>
        ))}
      </fieldset>
      <TrainingFieldsInputs
        values={fields}
        onChange={setFields}
        placeholders={{
          epochs: preset?.epochs,
          learningRate: presetValue(training, preset?.config, 'learningRate'),
        }}
        problem={typeof config === 'string' ? config : null}
      />
      <div className="tw-field">
        <label htmlFor={ids.device}>Device</label>{' '}
        <select
          id={ids.device}
          value={chosenDevice}
          onChange={(event) => setDevice(event.target.value as Device)}
        >
          {devices.map((d) => (
            <option key={d} value={d}>
              {DEVICE_LABELS[d]}
            </option>
          ))}
        </select>{' '}
        <span className="tw-field-hint">
          {readiness.view === undefined
            ? ''
            : devices.includes('gpu')
              ? readiness.view.gpu
              : `${readiness.view.gpu}: training runs on the CPU.`}
        </span>
      </div>
      <div className="tw-field">
        <label htmlFor={ids.dataset}>Dataset</label>{' '}
        <select
          id={ids.dataset}
          value={dataset}
          onChange={(event) => setDataset(event.target.value)}
        >
          <option value="">The preset's synthetic samples</option>
          {datasets.value.map((d) => (
            <option key={d.path} value={d.path}>
              {baseName(d.path)}
            </option>
          ))}
        </select>
      </div>
      {why === null ? null : <p className="tw-run-reason">{why}</p>}
      {started ? (
        <p role="status">Started {name}: the dashboard's Recent Activity follows it.</p>
      ) : null}
      {[presets.error, registered.error, datasets.error, runs.error].map((text) =>
        text === null ? null : (
          <p key={text} role="alert">
            {text}
          </p>
        ),
      )}
      {props.submission === undefined ? <SubmitFlowDialogs submission={runs.submission} /> : null}
    </Dialog>
  );
}
