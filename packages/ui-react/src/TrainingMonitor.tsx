import {
  describeStage,
  epochLine,
  isFinalJobState,
  type JobSession,
  type JobSnapshot,
} from '@trainwire/core';
import { type Ref, useId, useState } from 'react';
import { CompletionNotice } from './internal/CompletionNotice.js';
import { describeLink, describeState, epochLabel, isPredictJob } from './internal/describeLink.js';
import { FinishedStages } from './internal/FinishedStages.js';
import { formatDuration, formatMetric } from './internal/format.js';
import { ItemsProgress } from './internal/ItemsProgress.js';
import { LossChart } from './internal/LossChart.js';
import { valLossKey } from './internal/lossOf.js';
import { useBatchLosses } from './internal/useBatchLosses.js';
import type { LossChartHandle } from './LossChartHandle.js';
import { useJob } from './useJob.js';

/** Props of {@link TrainingMonitor}. */
export interface TrainingMonitorProps {
  /** The job to watch (from `JobManager.submit` or `attach`). */
  session: Pick<JobSession, 'getSnapshot' | 'subscribe' | 'stop' | 'cancel'>;
  /** Start with a logarithmic loss axis. */
  defaultLogScale?: boolean;
  /** The chart's size in CSS pixels (640 × 280 by default). */
  chartWidth?: number;
  chartHeight?: number;
  /** The chart's data and draw count (see {@link LossChartHandle}). */
  chartRef?: Ref<LossChartHandle>;
  /**
   * Also show a system notification (the browser's Notification API) when the job ends,
   * if the user allowed them; the notice in the page is always shown.
   */
  notifications?: boolean;
}

const pick = (s: JobSnapshot) => s;

/**
 * The live view of one training job, as SLEAP's LossViewer: title "Training Monitor -
 * Remote (<worker>)", a uPlot chart of train and validation loss per epoch and batch loss
 * between them (log scale toggle, best-validation marker), "Epoch i/N", elapsed and ETA,
 * Stop Early and Cancel, the state of the link to the worker (unreachable: the last
 * epoch, and that the job may still be running), and when it ends a notice in the page
 * (and a system notification when allowed) with the checkpoint it left on the worker.
 *
 * A pipeline (`spec.stages`) titles the chart with its current stage ("Stage 2/2:
 * centered_instance"), starts an empty chart at each stage and lists the finished stages
 * with their final losses; Stop Early ends the current stage and no later stage runs. A
 * predict job (`spec.predict`) shows its items done of all, the rate and the time left
 * instead of a chart, titled "Predict Monitor - Remote (<worker>)".
 *
 * @example
 * ```tsx
 * <TrainingMonitor session={session} />
 * ```
 */
export function TrainingMonitor({
  session,
  defaultLogScale = false,
  chartWidth,
  chartHeight,
  chartRef,
  notifications = false,
}: TrainingMonitorProps) {
  const snapshot = useJob(session, pick);
  const { stage } = snapshot;
  const batches = useBatchLosses(session, stage?.index ?? 0);
  const [logScale, setLogScale] = useState(defaultLogScale);
  const [actionError, setActionError] = useState<string | null>(null);
  const titleId = useId();
  const stopHintId = useId();
  const predict = isPredictJob(snapshot);
  const { progress, connection, state } = snapshot;
  // Core's progress line: the CLI prints the same epoch, losses, elapsed and ETA.
  const line = epochLine(snapshot);
  const final = isFinalJobState(state);
  const reachable = connection.status !== 'lost';
  const valKey = valLossKey(progress.best);
  const best = valKey === undefined ? undefined : progress.best[valKey];
  const act = (what: string, run: () => Promise<void>) => {
    setActionError(null);
    run().catch((error: unknown) =>
      setActionError(
        `Could not ${what}: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  };
  return (
    <section className="tw-monitor" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {predict ? 'Predict' : 'Training'} Monitor - Remote ({connection.worker})
      </h2>
      <p role="status" className={`tw-link tw-link-${connection.status}`}>
        {describeLink(snapshot)}
      </p>
      {predict ? (
        <>
          <dl className="tw-monitor-stats">
            <div>
              <dt>State</dt>
              <dd>{describeState(state)}</dd>
            </div>
            <div>
              <dt>Elapsed</dt>
              <dd>{formatDuration(line.elapsedMs)}</dd>
            </div>
          </dl>
          <ItemsProgress title={snapshot.spec.name ?? snapshot.jobId} snapshot={snapshot} />
        </>
      ) : (
        <>
          <dl className="tw-monitor-stats">
            <div>
              <dt>Progress</dt>
              <dd>{epochLabel(line)}</dd>
            </div>
            <div>
              <dt>State</dt>
              <dd>{describeState(state)}</dd>
            </div>
            <div>
              <dt>Elapsed</dt>
              <dd>{formatDuration(line.elapsedMs)}</dd>
            </div>
            <div>
              <dt>ETA</dt>
              <dd>{line.etaMs === null ? '—' : formatDuration(line.etaMs)}</dd>
            </div>
            <div>
              <dt>Train loss</dt>
              <dd>{formatMetric(line.trainLoss)}</dd>
            </div>
            <div>
              <dt>Val loss</dt>
              <dd>{formatMetric(line.valLoss)}</dd>
            </div>
          </dl>
          <FinishedStages stages={snapshot.stages} />
          {stage === null ? null : <h3 className="tw-stage-title">{describeStage(stage)}</h3>}
          <label>
            <input
              type="checkbox"
              checked={logScale}
              onChange={(event) => setLogScale(event.target.checked)}
            />{' '}
            Log scale
          </label>
          <LossChart
            // A new stage starts an empty chart (core starts its progress over).
            key={stage?.index ?? 0}
            history={progress.history}
            batches={batches.series}
            batchCount={batches.count}
            best={best}
            logScale={logScale}
            label={`${stage === null ? '' : `${describeStage(stage)}: `}Train and validation loss per epoch, batch loss`}
            width={chartWidth}
            height={chartHeight}
            chartRef={chartRef}
          />
          <p className="tw-best">
            {best === undefined
              ? 'No validation loss yet.'
              : `Best val loss ${formatMetric(best.value)} at epoch ${best.epoch + 1}.`}
          </p>
        </>
      )}
      <div className="tw-monitor-actions">
        <button
          type="button"
          disabled={state !== 'running' || !reachable}
          aria-describedby={final ? undefined : stopHintId}
          onClick={() => act('stop the job', () => session.stop())}
        >
          Stop Early
        </button>
        <button
          type="button"
          disabled={final || !reachable}
          onClick={() => act('cancel the job', () => session.cancel())}
        >
          Cancel
        </button>
      </div>
      {final ? null : (
        <p id={stopHintId} className="tw-field-hint">
          {predict
            ? 'Stop Early ends the job after the item in hand and keeps the predictions made so far.'
            : stage === null
              ? 'Stop Early finishes the epoch in progress, saves a checkpoint and ends the job.'
              : `Stop Early finishes the epoch in progress of ${describeStage(stage)}, saves it and ends the job there: no later stage runs.`}
        </p>
      )}
      {actionError === null ? null : <p role="alert">{actionError}</p>}
      <CompletionNotice final={final ? snapshot : null} notifications={notifications} />
    </section>
  );
}
