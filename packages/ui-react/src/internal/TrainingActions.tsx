import type { Experiments, Models, ModelVersion, RpcPeer } from '@trainwire/core';
import { useState } from 'react';
import { FineTuneDialog } from '../FineTuneDialog.js';
import { NewModelWizard } from '../NewModelWizard.js';
import { PredictDialog, type PredictExportProps } from '../PredictDialog.js';
import { SyntheticDataDialog } from '../SyntheticDataDialog.js';
import { ReadinessStatus } from './ReadinessStatus.js';
import type { ExperimentRuns } from './useExperimentRuns.js';
import { CHECKING, type Readiness } from './useReadiness.js';

/** What {@link TrainingActions} needs from the view that shows it. */
export interface TrainingActionsProps {
  peer: Pick<RpcPeer, 'request'>;
  experiments?: Pick<Experiments, 'create'> | undefined;
  runs: ExperimentRuns;
  readiness: Readiness;
  /** The model "Fine-tune current model" starts from; none: the button says how to get one. */
  current: ModelVersion | undefined;
  /** Whether the view was given the worker's registry (`Models`): without it there is no fine-tune. */
  models: Models | undefined;
  transport?: ExperimentRuns['submission']['options']['transport'];
  cpuOnly?: boolean | undefined;
  exporters?: PredictExportProps['exporters'] | undefined;
  downloadTarget?: PredictExportProps['downloadTarget'] | undefined;
}

type Open = 'new' | 'data' | 'fine-tune' | 'predict' | null;

/**
 * The training menu: New model…, Generate synthetic data…, Fine-tune current model… and
 * Predict… (with the current model),
 * each disabled until the worker is ready for it (its readiness, in core's words) and while a
 * job runs, saying why; the readiness line and its check log; the dialogs they open. Jobs
 * go through the view's submission, so its dialogs show.
 */
export function TrainingActions(props: TrainingActionsProps) {
  const { peer, runs, readiness, current, transport } = props;
  const [open, setOpen] = useState<Open>(null);
  const { training, blocked } = runs;
  const close = () => setOpen(null);
  const actions: Array<{ id: Exclude<Open, null>; label: string; why: string | null }> = [
    {
      id: 'new',
      label: 'New model…',
      why: readiness.why(`train:${training.profile}`) ?? blocked,
    },
    {
      id: 'data',
      label: 'Generate synthetic data…',
      why: readiness.why('generate-dataset') ?? blocked,
    },
  ];
  if (props.models !== undefined)
    actions.push({
      id: 'fine-tune',
      label: 'Fine-tune current model…',
      why:
        (current === undefined
          ? 'No active model yet: a model trained with New model becomes active when it completes.'
          : null) ??
        readiness.why(`fine-tune:${training.profile}`) ??
        blocked,
    });
  if (props.models !== undefined)
    actions.push({
      id: 'predict',
      label: 'Predict…',
      why:
        (current === undefined
          ? 'No active model yet: a model trained with New model becomes active when it completes.'
          : null) ??
        readiness.why(`train:${training.profile}`) ??
        blocked,
    });
  // While the worker is being asked, its readiness line below says so once.
  const reasons = [
    ...new Set(actions.flatMap((a) => (a.why === null || a.why === CHECKING ? [] : [a.why]))),
  ];
  const shared = {
    peer,
    training,
    submission: runs.submission,
    onClose: close,
    ...(transport === undefined ? {} : { transport }),
    ...(props.cpuOnly === undefined ? {} : { cpuOnly: props.cpuOnly }),
  };
  return (
    <section className="tw-training-actions" aria-label="Training">
      <h3>Training</h3>
      <div className="tw-toolbar">
        {actions.map((action) => (
          <button
            key={action.id}
            type="button"
            disabled={action.why !== null}
            title={action.why ?? undefined}
            onClick={() => setOpen(action.id)}
          >
            {action.label}
          </button>
        ))}
      </div>
      {reasons.map((why) => (
        <p key={why} className="tw-run-reason">
          {why}
        </p>
      ))}
      <ReadinessStatus readiness={readiness} />
      {open === 'new' ? (
        <NewModelWizard
          {...shared}
          {...(props.experiments === undefined ? {} : { experiments: props.experiments })}
        />
      ) : null}
      {open === 'data' ? (
        <SyntheticDataDialog
          peer={peer}
          onClose={close}
          {...(transport === undefined ? {} : { transport })}
        />
      ) : null}
      {open === 'predict' && props.models !== undefined ? (
        <PredictDialog
          {...shared}
          models={props.models}
          model={current}
          {...(props.exporters === undefined ? {} : { exporters: props.exporters })}
          {...(props.downloadTarget === undefined ? {} : { downloadTarget: props.downloadTarget })}
        />
      ) : null}
      {open === 'fine-tune' && current !== undefined ? (
        <FineTuneDialog {...shared} model={current} />
      ) : null}
    </section>
  );
}
