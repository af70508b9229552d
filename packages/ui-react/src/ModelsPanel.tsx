import {
  type Experiment,
  type Experiments,
  isFinalJobState,
  type Models,
  type ModelVersion,
  type RpcPeer,
  type WorkerConnection,
} from '@trainwire/core';
import { useEffect, useId, useState } from 'react';
import type { ExperimentRunProps } from './ExperimentRunProps.js';
import { FineTuneDialog } from './FineTuneDialog.js';
import { LiveJob } from './internal/LiveJob.js';
import { MergedModels } from './internal/MergedModels.js';
import { type ModelLock, ModelVersionsTable } from './internal/ModelVersionsTable.js';
import { wordsOf } from './internal/names.js';
import { ReadinessStatus } from './internal/ReadinessStatus.js';
import { RegisterModel } from './internal/RegisterModel.js';
import { useAsyncValue } from './internal/useAsyncValue.js';
import { useExperimentRuns } from './internal/useExperimentRuns.js';
import { useJobChanges } from './internal/useJobChanges.js';
import { useJobStates } from './internal/useJobStates.js';
import { useReadiness } from './internal/useReadiness.js';
import { NewModelWizard } from './NewModelWizard.js';
import { PredictDialog, type PredictExportProps } from './PredictDialog.js';
import { SubmitFlowDialogs } from './SubmitFlowDialogs.js';
import { useActiveModels } from './useActiveModels.js';
import { useJobs } from './useJobs.js';
import { useModels } from './useModels.js';

/** Props of {@link ModelsPanel}. */
export interface ModelsPanelProps
  extends Omit<ExperimentRunProps, 'experiments' | 'resumeEpochs'>,
    PredictExportProps {
  /** The worker's model registry (core's `Models`). */
  models: Models;
  /** The same worker's experiments: with them, "Register" offers each completed one. */
  experiments?: Pick<Experiments, 'list'>;
  /** Each `model.activated` notice, whoever activated the version: hot-swap the model here. */
  onActivated?: (model: ModelVersion) => void;
  /**
   * The same worker's RPC connection: with it the panel offers "New model…" and, on the
   * active version, "Fine-tune…", each gated by the worker's readiness.
   */
  peer?: Pick<RpcPeer, 'request'>;
  /** The user's CPU-only preference: the New model wizard offers no GPU. */
  cpuOnly?: boolean;
  /**
   * Every worker of the room: with two or more, the panel merges their registries newest
   * first (core's `listAcrossWorkers`), each row naming its worker, and says which worker did
   * not answer.
   */
  workers?: readonly WorkerConnection[];
}

const noPeer: Pick<RpcPeer, 'request'> = {
  request: () => Promise.reject(new Error('the panel was given no connection to the worker')),
};

function byName(models: readonly ModelVersion[]): Array<[string, ModelVersion[]]> {
  const groups = new Map<string, ModelVersion[]>();
  for (const model of models) groups.set(model.name, [...(groups.get(model.name) ?? []), model]);
  return [...groups];
}

/**
 * A worker's model registry (core's `Models`): every version by name, newest first, the
 * active one badged, "Set active" (`model.activate`) and "Delete" (`model.delete`) on the
 * others, and "Register" of a completed experiment's model (`model.register`). Given the
 * worker's `peer`, it offers "New model…", "Fine-tune…" on the active version and "Predict…"
 * on each version (the {@link PredictDialog}); while a
 * fine-tune runs, the version it starts from is shown locked (not swapped, not deleted) and
 * the job's progress shows here. It follows `model.activated` notices (`useActiveModels`),
 * so a version another client activates is badged here at once.
 *
 * @example
 * ```tsx
 * <ModelsPanel models={models} experiments={experiments} peer={peer} onActivated={(m) => swap(m)} />
 * ```
 */
export function ModelsPanel(props: ModelsPanelProps) {
  const { models, experiments, onActivated, peer } = props;
  const { watch, error: watchError } = useActiveModels(models, onActivated);
  const { models: versions, status, error } = useModels(models);
  const [problem, setProblem] = useState<string | null>(null);
  const [open, setOpen] = useState<'new' | ModelVersion | null>(null);
  const [predicting, setPredicting] = useState<ModelVersion | null>(null);
  const titleId = useId();
  const runs = useExperimentRuns({ ...props, experiments: undefined });
  const readiness = useReadiness(peer ?? noPeer, { cpuOnly: props.cpuOnly });
  const jobs = useJobs((s) => s.jobs);
  const states = useJobStates(jobs);
  // A job that ends registers its model on the worker: list again then.
  const round = useJobChanges(() => void models.refresh());
  useEffect(() => {
    void models.refresh();
  }, [models]);
  const completed = useAsyncValue<readonly Experiment[]>(
    async () =>
      experiments === undefined
        ? []
        : (await experiments.list({ status: 'completed', limit: 50 })).experiments,
    `${round}`,
    (words) => `Could not list the completed experiments: ${words}`,
  );
  const fineTunes = jobs.filter((job) => job.spec.fineTune !== undefined);
  const locks = new Map<string, ModelLock>();
  jobs.forEach((job, index) => {
    const from = job.spec.fineTune;
    const state = states[index];
    if (from === undefined || state === undefined || isFinalJobState(state)) return;
    const version =
      from.version ?? versions.find((m) => m.name === from.model && m.active)?.version;
    if (version !== undefined) locks.set(from.model, { version, jobId: job.jobId });
  });
  const nameOf = (id: string | undefined) =>
    id === undefined ? '—' : (completed.value?.find((e) => e.id === id)?.name ?? id);
  const act = (what: string, work: () => Promise<unknown>) => {
    setProblem(null);
    work().catch((reason: unknown) => setProblem(`Could not ${what}: ${wordsOf(reason)}`));
  };
  const newModelWhy = readiness.why(`train:${runs.training.profile}`) ?? runs.blocked;
  const fineTuneWhy = readiness.why(`fine-tune:${runs.training.profile}`) ?? runs.blocked;
  // Predicting runs the profile's trainer: gated as training it is.
  const predictWhy = newModelWhy;
  const merged = (props.workers?.length ?? 0) > 1 ? props.workers : undefined;
  const dialogProps = {
    peer: peer ?? noPeer,
    training: runs.training,
    submission: runs.submission,
    onClose: () => setOpen(null),
    ...(props.transport === undefined ? {} : { transport: props.transport }),
    ...(props.cpuOnly === undefined ? {} : { cpuOnly: props.cpuOnly }),
  };
  const latestFineTune = fineTunes.at(-1);
  return (
    <section className="tw-models" aria-labelledby={titleId}>
      <h2 id={titleId}>Models</h2>
      <p className="tw-models-watch">
        {watch === 'watching'
          ? 'Following the worker: a version made active anywhere shows here at once.'
          : watch === 'subscribing'
            ? 'Connecting to the registry…'
            : ''}
      </p>
      {peer === undefined ? null : (
        <div className="tw-toolbar">
          <button
            type="button"
            disabled={newModelWhy !== null}
            title={newModelWhy ?? undefined}
            onClick={() => setOpen('new')}
          >
            New model…
          </button>
          {newModelWhy === null ? null : <p className="tw-run-reason">{newModelWhy}</p>}
          <ReadinessStatus readiness={readiness} />
        </div>
      )}
      {latestFineTune === undefined ? null : (
        <section className="tw-fine-tuning" aria-label="Fine-tuning">
          <h3>Fine-tuning</h3>
          <LiveJob key={latestFineTune.jobId} session={latestFineTune} />
        </section>
      )}
      {merged !== undefined ? (
        <MergedModels workers={merged} round={round} />
      ) : versions.length === 0 ? (
        <p>
          {status === 'loading' || status === 'idle'
            ? 'Listing the models…'
            : 'No models registered yet.'}
        </p>
      ) : (
        byName(versions).map(([name, list]) => (
          <ModelVersionsTable
            key={name}
            name={name}
            versions={list}
            lock={locks.get(name)}
            experimentName={nameOf}
            onActivate={(m) =>
              act(`make ${m.name} version ${m.version} active`, () =>
                models.activate(m.name, m.version),
              )
            }
            onDelete={(m) =>
              act(`delete ${m.name} version ${m.version}`, () => models.delete(m.name, m.version))
            }
            onFineTune={peer === undefined ? undefined : (m) => setOpen(m)}
            fineTuneWhy={fineTuneWhy}
            onPredict={peer === undefined ? undefined : (m) => setPredicting(m)}
            predictWhy={predictWhy}
          />
        ))
      )}
      {experiments === undefined ? null : <RegisterModel models={models} completed={completed} />}
      {[error, watchError, problem, runs.error].map((text) =>
        text === null ? null : (
          <p key={text} role="alert">
            {text}
          </p>
        ),
      )}
      {open === 'new' ? <NewModelWizard {...dialogProps} /> : null}
      {open !== null && open !== 'new' ? <FineTuneDialog {...dialogProps} model={open} /> : null}
      {predicting === null ? null : (
        <PredictDialog
          {...dialogProps}
          models={models}
          model={predicting}
          {...(props.exporters === undefined ? {} : { exporters: props.exporters })}
          {...(props.downloadTarget === undefined ? {} : { downloadTarget: props.downloadTarget })}
          onClose={() => setPredicting(null)}
        />
      )}
      {props.submission === undefined ? <SubmitFlowDialogs submission={runs.submission} /> : null}
    </section>
  );
}
