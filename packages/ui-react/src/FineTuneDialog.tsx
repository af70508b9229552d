import { baseName, type ModelVersion, type RpcPeer } from '@trainwire/core';
import { useId, useState } from 'react';
import type { ExperimentRunProps } from './ExperimentRunProps.js';
import { Dialog } from './internal/Dialog.js';
import { LiveJob } from './internal/LiveJob.js';
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

/** Props of {@link FineTuneDialog}. */
export interface FineTuneDialogProps
  extends Omit<ExperimentRunProps, 'experiments' | 'resumeEpochs'> {
  /** The model version to fine-tune: the active one ("Fine-tune current model"). */
  model: ModelVersion;
  /** The same worker's RPC connection: readiness, datasets, the model's experiment. */
  peer: Pick<RpcPeer, 'request'>;
  /** The user's CPU-only preference (readiness then offers no GPU). */
  cpuOnly?: boolean;
  /** Closes the dialog (Cancel, Escape, and once the job is handed to the host's submission). */
  onClose: () => void;
}

/**
 * "Fine-tune current model": the active model, shown locked (the worker keeps it from being
 * deleted, and the models panel from being swapped, while the job runs), a dataset of the
 * worker's, epochs and learning rate over the config the model was trained with. Start
 * submits a job with `fineTune {model, version}` through core's `SubmitFlow`; named after
 * the model, it registers the result as the model's next version, made active, when it
 * completes.
 *
 * @example
 * ```tsx
 * <FineTuneDialog model={active['mouse-pose']} peer={peer} transport={transport} onClose={close} />
 * ```
 */
export function FineTuneDialog(props: FineTuneDialogProps) {
  const { model, peer, onClose } = props;
  const runs = useExperimentRuns({ ...props, experiments: undefined });
  const { training } = runs;
  const datasetId = useId();
  const lockId = useId();
  const [dataset, setDataset] = useState('');
  const [fields, setFields] = useState<TrainingFields>({ epochs: '', learningRate: '' });
  const readiness = useReadiness(peer, { cpuOnly: props.cpuOnly });
  const datasets = useWorkerDatasets(peer);
  // Fine-tuning keeps the model's shape: start from the config it was trained with.
  const source = useAsyncValue<Readonly<Record<string, unknown>>>(
    async () => {
      const fallback = training.presets[training.defaultPreset] ?? {};
      if (model.experimentId === undefined) return fallback;
      const { experiment } = await peer.request('experiment.get', {
        experimentId: model.experimentId,
      });
      return experiment.config;
    },
    `${model.name}@${model.version}`,
    (words) => `Could not read the config ${model.name} was trained with: ${words}`,
  );
  const config =
    source.value === undefined ? undefined : configWith(training, source.value, fields);
  const why =
    readiness.why(`fine-tune:${training.profile}`) ??
    (config === undefined
      ? source.status === 'loading'
        ? `Reading how ${model.name} was trained…`
        : 'The model’s config could not be read.'
      : typeof config === 'string'
        ? config
        : null) ??
    runs.blocked;

  const start = async () => {
    if (why !== null || typeof config !== 'object') return;
    const submitted = await runs.runWith('fine-tune', `fine-tune ${model.name}`, async () => ({
      profile: training.profile,
      config,
      // Named after the model: the worker registers the result as its next version.
      name: model.name,
      fineTune: { model: model.name, version: model.version },
      inputs: (dataset === '' ? {} : { dataset }) as Record<string, string>,
      tags: ['fine-tune'],
    }));
    if (submitted && props.submission !== undefined) onClose();
  };
  const session =
    props.submission === undefined && runs.submission.snapshot?.phase === 'started'
      ? runs.submission.snapshot.session
      : null;

  return (
    <Dialog
      title="Fine-Tune Current Model"
      className="tw-fine-tune"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            {session === null ? 'Cancel' : 'Close'}
          </button>
          {session === null ? (
            <button
              type="button"
              className="tw-primary"
              disabled={why !== null}
              onClick={() => void start()}
            >
              Start fine-tuning
            </button>
          ) : null}
        </>
      }
    >
      <div className="tw-field">
        <span id={lockId}>Model</span>{' '}
        <output aria-labelledby={lockId} className="tw-locked">
          Locked: {model.name} version {model.version}
          {model.active ? ' (active)' : ''}
          {model.artifact === undefined ? '' : ` · ${baseName(model.artifact.path)}`}
        </output>
        <p className="tw-field-hint">
          Locked while it fine-tunes: it cannot be swapped or deleted until the job ends. The result
          becomes {model.name}’s next version, made active.
        </p>
      </div>
      <div className="tw-field">
        <label htmlFor={datasetId}>Dataset</label>{' '}
        <select id={datasetId} value={dataset} onChange={(event) => setDataset(event.target.value)}>
          <option value="">The synthetic samples it was trained on</option>
          {datasets.value.map((d) => (
            <option key={d.path} value={d.path}>
              {baseName(d.path)}
            </option>
          ))}
        </select>
        {datasets.status === 'ready' && datasets.value.length === 0 ? (
          <p className="tw-field-hint">
            The worker has no dataset yet: "Generate synthetic data" writes one.
          </p>
        ) : null}
      </div>
      <TrainingFieldsInputs
        values={fields}
        onChange={setFields}
        placeholders={{
          epochs:
            source.value === undefined ? undefined : presetValue(training, source.value, 'epochs'),
          learningRate:
            source.value === undefined
              ? undefined
              : presetValue(training, source.value, 'learningRate'),
        }}
        problem={typeof config === 'string' ? config : null}
      />
      {why === null || session !== null ? null : <p className="tw-run-reason">{why}</p>}
      {session === null ? null : <LiveJob session={session} />}
      {[source.error, datasets.error, runs.error].map((text) =>
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
