import {
  type Artifact,
  ArtifactExporters,
  baseName,
  type DownloadTarget,
  isFinalJobState,
  type JobSession,
  type Models,
  type ModelVersion,
  PREDICT_TAG,
  predictionsOf,
  predictSpec,
  type RpcPeer,
} from '@trainwire/core';
import { useEffect, useId, useState } from 'react';
import type { ExperimentRunProps } from './ExperimentRunProps.js';
import { Dialog } from './internal/Dialog.js';
import { FolderTree } from './internal/FolderTree.js';
import { PredictJob } from './internal/PredictJob.js';
import { useExperimentRuns } from './internal/useExperimentRuns.js';
import { useReadiness } from './internal/useReadiness.js';
import { SubmitFlowDialogs } from './SubmitFlowDialogs.js';
import { useModels } from './useModels.js';

/** Props of {@link PredictDialog}. */
export interface PredictDialogProps
  extends Omit<ExperimentRunProps, 'experiments' | 'resumeEpochs'> {
  /** The worker's model registry: the dialog offers each registered version. */
  models: Pick<Models, 'getSnapshot' | 'subscribe' | 'refresh'>;
  /** The version chosen first (the models panel's row); the newest active one otherwise. */
  model?: ModelVersion;
  /** The same worker's RPC connection: readiness, and Browse (`mounts.list`, `paths.list`). */
  peer: Pick<RpcPeer, 'request'>;
  /** The exporters the predictions are offered through (`download`, `copy-path` and the host's own). */
  exporters?: ArtifactExporters;
  /** Where Download writes the predictions; the page's memory, then a Save link, otherwise. */
  downloadTarget?: (artifact: Artifact) => DownloadTarget;
  /** The user's CPU-only preference (readiness then offers no GPU). */
  cpuOnly?: boolean;
  /** Closes the dialog (Cancel, Escape, Close). */
  onClose: () => void;
}

/** Where a view's predict dialog offers the predictions: the host's exporters and download target. */
export type PredictExportProps = Pick<PredictDialogProps, 'exporters' | 'downloadTarget'>;

/** Profiles whose trainer predicts on synthetic samples without an input (docs/protocol.md). */
const SYNTHETIC = new Set(['builtin', 'pytorch']);
const keyOf = (m: Pick<ModelVersion, 'name' | 'version'>) => `${m.name}@${m.version}`;

/**
 * "Predict": run a registered model over new items on the worker. Pick a version of the
 * registry, the items (a file on the worker, typed or found with Browse, or the built-in
 * trainer's synthetic samples), and Start: core's `predictSpec` goes through the view's
 * `SubmitFlow` (validation, path fixes, start), the dialog follows the job's items, rate and
 * time left, and once it completes offers the predictions through the exporters — Download
 * (core's `fetchPredictions`, checked against the SHA-256 the worker registered), Copy path
 * and the host's own.
 *
 * @example
 * ```tsx
 * <PredictDialog models={models} peer={peer} transport={transport} onClose={close} />
 * ```
 */
export function PredictDialog(props: PredictDialogProps) {
  const { models, peer, onClose } = props;
  const [session, setSession] = useState<JobSession | null>(null);
  const runs = useExperimentRuns({
    ...props,
    experiments: undefined,
    onSession: (started) => {
      setSession(started);
      props.onSession?.(started);
    },
  });
  const profile = runs.training.profile;
  const versions = useModels(models, (s) => s.models);
  const listing = useModels(models, (s) => s.status);
  useEffect(() => {
    void models.refresh();
  }, [models]);
  const fallback =
    props.model ??
    [...versions].filter((m) => m.active).sort((a, b) => b.createdAt - a.createdAt)[0] ??
    versions[0];
  const [chosen, setChosen] = useState<string | null>(null);
  const model = versions.find((m) => keyOf(m) === chosen) ?? fallback;
  const synthetic = SYNTHETIC.has(profile);
  const [source, setSource] = useState<'synthetic' | 'file'>(synthetic ? 'synthetic' : 'file');
  const [path, setPath] = useState('');
  const [samples, setSamples] = useState('1000');
  const [browsing, setBrowsing] = useState(false);
  const [exporters] = useState(() => props.exporters ?? new ArtifactExporters());
  const ids = { model: useId(), path: useId(), samples: useId(), source: useId() };
  const readiness = useReadiness(peer, { cpuOnly: props.cpuOnly });
  const count = Number(samples);
  const inputWhy =
    source === 'file'
      ? path.trim() === ''
        ? 'Choose the file to predict on: type its path on the worker or Browse.'
        : null
      : Number.isInteger(count) && count >= 10 && count <= 10_000_000
        ? null
        : 'Samples must be a whole number from 10 to 10 000 000.';
  const why =
    (model === undefined
      ? listing === 'loading' || listing === 'idle'
        ? 'Listing the registered models…'
        : 'No registered model yet: train one (New model) or register one in the models panel.'
      : null) ??
    inputWhy ??
    readiness.why(`train:${profile}`) ??
    runs.blocked;

  const start = () => {
    if (why !== null || model === undefined) return;
    void runs.runWith('predict', `predict with ${model.name}`, async () =>
      predictSpec({
        profile,
        model: { name: model.name, version: model.version },
        name: `predict ${model.name} v${model.version}`,
        // The worker tags a predict job's experiment too; an older one does not.
        tags: [PREDICT_TAG],
        ...(source === 'file'
          ? { input: path.trim() }
          : { config: { dataset: { synthetic: { samples: count } } } }),
      }),
    );
  };
  const running = session !== null;
  const [final, setFinal] = useState(false);
  const [done, setDone] = useState<Artifact | undefined>(undefined);
  useEffect(() => {
    if (session === null) return;
    const check = () => {
      const snapshot = session.getSnapshot();
      setFinal(isFinalJobState(snapshot.state));
      setDone(predictionsOf(snapshot));
    };
    check();
    return session.subscribe(check);
  }, [session]);

  return (
    <Dialog
      title="Predict"
      className="tw-predict"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            {running ? 'Close' : 'Cancel'}
          </button>
          {running ? null : (
            <button type="button" className="tw-primary" disabled={why !== null} onClick={start}>
              Start predicting
            </button>
          )}
        </>
      }
    >
      <div className="tw-field">
        <label htmlFor={ids.model}>Model</label>{' '}
        <select
          id={ids.model}
          value={model === undefined ? '' : keyOf(model)}
          disabled={running || versions.length === 0}
          onChange={(event) => setChosen(event.target.value)}
        >
          {versions.length === 0 ? <option value="">No registered model</option> : null}
          {versions.map((m) => (
            <option key={keyOf(m)} value={keyOf(m)}>
              {m.name} version {m.version}
              {m.active ? ' (active)' : ''}
              {m.artifact === undefined ? '' : ` · ${baseName(m.artifact.path)}`}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="tw-field" disabled={running}>
        <legend>Predict on</legend>
        {synthetic ? (
          <label>
            <input
              type="radio"
              name={ids.source}
              checked={source === 'synthetic'}
              onChange={() => setSource('synthetic')}
            />{' '}
            Synthetic samples (the built-in trainer makes them, shaped as it trains)
          </label>
        ) : null}
        {synthetic && source === 'synthetic' ? (
          <p className="tw-predict-indent">
            <label htmlFor={ids.samples}>Samples</label>{' '}
            <input
              id={ids.samples}
              type="number"
              min={10}
              step={1}
              value={samples}
              onChange={(event) => setSamples(event.target.value)}
            />
          </p>
        ) : null}
        <label>
          <input
            type="radio"
            name={ids.source}
            checked={source === 'file'}
            onChange={() => setSource('file')}
          />{' '}
          A file on the worker
        </label>
        {source === 'file' ? (
          <p className="tw-predict-indent">
            <label htmlFor={ids.path}>Path on the worker</label>{' '}
            <input
              id={ids.path}
              type="text"
              value={path}
              placeholder="/srv/data/points.csv"
              onChange={(event) => setPath(event.target.value)}
            />{' '}
            <button type="button" aria-expanded={browsing} onClick={() => setBrowsing(!browsing)}>
              Browse…
            </button>
          </p>
        ) : null}
        {source === 'file' && browsing ? (
          <FolderTree
            worker={peer}
            label="Folders on the worker to predict on"
            onPickFile={(picked) => {
              setPath(picked);
              setBrowsing(false);
            }}
          />
        ) : null}
      </fieldset>
      {why === null || running ? null : <p className="tw-run-reason">{why}</p>}
      {session === null ? null : (
        <PredictJob
          session={session}
          final={final}
          predictions={done}
          peer={runs.submission.manager.peerFor(props.transport)}
          exporters={exporters}
          downloadTarget={props.downloadTarget}
        />
      )}
      {runs.error === null ? null : <p role="alert">{runs.error}</p>}
      {props.submission === undefined ? <SubmitFlowDialogs submission={runs.submission} /> : null}
    </Dialog>
  );
}
