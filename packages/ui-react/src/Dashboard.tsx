import { isFinalJobState, type Models, type ModelsSnapshot, type RpcPeer } from '@trainwire/core';
import { useEffect, useId, useState } from 'react';
import type { ExperimentRunProps } from './ExperimentRunProps.js';
import { ColumnHeads } from './internal/ColumnHeads.js';
import { ExperimentRunButton } from './internal/ExperimentRunButton.js';
import { formatMetrics } from './internal/format.js';
import { LatestArtifacts } from './internal/LatestArtifacts.js';
import { LiveJob } from './internal/LiveJob.js';
import { SystemStatus } from './internal/SystemStatus.js';
import { TrainingActions } from './internal/TrainingActions.js';
import { useAsyncValue } from './internal/useAsyncValue.js';
import { useExperimentRuns } from './internal/useExperimentRuns.js';
import { useJobChanges } from './internal/useJobChanges.js';
import { useJobStates } from './internal/useJobStates.js';
import { useReadiness } from './internal/useReadiness.js';
import type { PredictExportProps } from './PredictDialog.js';
import { SubmitFlowDialogs } from './SubmitFlowDialogs.js';
import { useJobs } from './useJobs.js';
import { type ModelsStore, useModels } from './useModels.js';

const NO_MODELS: ModelsSnapshot = { status: 'idle', models: [], active: {}, error: null };
const noModels: ModelsStore = { getSnapshot: () => NO_MODELS, subscribe: () => () => undefined };

/** Props of {@link Dashboard}. */
export interface DashboardProps extends ExperimentRunProps, PredictExportProps {
  /** The same worker's RPC connection, for `worker.info` (CPU, memory, GPU). */
  peer: Pick<RpcPeer, 'request'>;
  /** Rows of "Recent Experiments" (5). */
  recent?: number;
  /**
   * The same worker's model registry: with it, "Fine-tune current model" starts from its
   * active version (of `model`, or the newest active one).
   */
  models?: Models;
  /** The name of the model the host uses ("current"); by default the newest active one. */
  model?: string;
  /** The user's CPU-only preference: the New model wizard offers no GPU. */
  cpuOnly?: boolean;
}

const title = (preset: string) => preset.charAt(0).toUpperCase() + preset.slice(1);

/**
 * The first view of the training workflow: Recent Activity (the live job with its progress
 * and Stop), Quick Start (one click trains with the default preset), Recent Experiments
 * with Resume (`experiment.continue`, then its job) and Retry (`experiment.retry`),
 * Latest Artifacts, and the worker's CPU, memory and GPU (`worker.info`). A worker that
 * never trained shows a welcome and starts the first training in one click. Jobs go
 * through core's `SubmitFlow`, so a refusal or a config warning shows its dialog.
 *
 * @example
 * ```tsx
 * const peer = manager.peerFor(transport);
 * <TrainwireProvider manager={manager}>
 *   <Dashboard experiments={new Experiments(peer)} peer={peer} transport={transport} />
 * </TrainwireProvider>
 * ```
 */
export function Dashboard(props: DashboardProps) {
  const { experiments, peer, recent = 5, models } = props;
  const runs = useExperimentRuns(props);
  const { training, submission } = runs;
  const jobs = useJobs((s) => s.jobs);
  const states = useJobStates(jobs);
  const [preset, setPreset] = useState(training.defaultPreset);
  const round = useJobChanges();
  // Readiness is asked again when a job ends (a check may have changed, the cache expired).
  const readiness = useReadiness(peer, { cpuOnly: props.cpuOnly, key: `${round}` });
  const blocked = readiness.why(`train:${training.profile}`) ?? runs.blocked;
  const active = useModels(models ?? noModels, (s) => s.active);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` says when to list again.
  useEffect(() => {
    if (models !== undefined) void models.refresh();
  }, [models, round]);
  const current =
    props.model === undefined
      ? Object.values(active).sort((a, b) => b.createdAt - a.createdAt)[0]
      : active[props.model];
  const titleId = useId();
  const presetId = useId();
  const listing = useAsyncValue(
    () => experiments.list({ limit: recent }),
    `${round}`,
    (words) => `Could not list the worker's experiments: ${words}`,
  );
  const info = useAsyncValue(
    () => peer.request('worker.info', {}),
    `${round}`,
    (words) => `Could not ask the worker about its machine: ${words}`,
  );

  const activeIndex = states.findLastIndex((state) => !isFinalJobState(state));
  const shown = activeIndex >= 0 ? jobs[activeIndex] : jobs.at(-1);
  const rows = listing.value?.experiments ?? [];
  const total = listing.value?.total ?? 0;
  const empty = listing.status === 'ready' && total === 0 && jobs.length === 0;
  const start = (chosen: string) => runs.start(chosen, `${title(chosen)} run ${total + 1}`);
  const presets = Object.keys(training.presets);

  return (
    <section className="tw-dashboard" aria-labelledby={titleId}>
      <h2 id={titleId}>Dashboard</h2>
      <SystemStatus info={info} />
      <TrainingActions
        peer={peer}
        experiments={experiments}
        runs={runs}
        readiness={readiness}
        current={current}
        models={models}
        transport={props.transport}
        cpuOnly={props.cpuOnly}
        exporters={props.exporters}
        downloadTarget={props.downloadTarget}
      />
      {empty ? (
        <section className="tw-welcome" aria-label="Welcome">
          <h3>Welcome to remote training</h3>
          <p>
            Nothing has been trained on this worker yet. Start your first training with the{' '}
            {title(training.defaultPreset)} preset: one click, no settings to choose. You can watch
            it here, and resume or retry it later.
          </p>
          <button
            type="button"
            className="tw-primary"
            disabled={blocked !== null}
            title={blocked ?? undefined}
            onClick={() => start(training.defaultPreset)}
          >
            Start your first training
          </button>
          {blocked === null ? null : <p className="tw-run-reason">{blocked}</p>}
        </section>
      ) : (
        <>
          <section className="tw-recent-activity" aria-label="Recent Activity">
            <h3>Recent Activity</h3>
            {shown === undefined ? (
              <p>No training running.</p>
            ) : (
              <LiveJob key={shown.jobId} session={shown} />
            )}
          </section>
          <section className="tw-quick-start" aria-label="Quick Start">
            <h3>Quick Start</h3>
            <label htmlFor={presetId}>Preset</label>{' '}
            <select
              id={presetId}
              value={preset}
              onChange={(event) => setPreset(event.target.value)}
            >
              {presets.map((name) => (
                <option key={name} value={name}>
                  {title(name)}
                </option>
              ))}
            </select>{' '}
            <button
              type="button"
              className="tw-primary"
              disabled={blocked !== null}
              title={blocked ?? undefined}
              onClick={() => start(preset)}
            >
              Start training
            </button>
            {blocked === null ? null : <p className="tw-run-reason">{blocked}</p>}
          </section>
          <section className="tw-recent-experiments" aria-label="Recent Experiments">
            <h3>Recent Experiments</h3>
            {rows.length === 0 ? (
              <p>{listing.status === 'loading' ? 'Listing the experiments…' : 'None yet.'}</p>
            ) : (
              <table>
                <ColumnHeads names={['Experiment', 'Status', 'Final metrics', 'Actions']} />
                <tbody>
                  {rows.map((experiment) => (
                    <tr key={experiment.id}>
                      <td>{experiment.name}</td>
                      <td>{experiment.status}</td>
                      <td>{formatMetrics(experiment.finalMetrics)}</td>
                      <td>
                        <ExperimentRunButton experiment={experiment} runs={runs} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <LatestArtifacts experiments={experiments} recent={rows} />
        </>
      )}
      {listing.error === null ? null : <p role="alert">{listing.error}</p>}
      {runs.error === null ? null : <p role="alert">{runs.error}</p>}
      {props.submission === undefined ? <SubmitFlowDialogs submission={submission} /> : null}
    </section>
  );
}
