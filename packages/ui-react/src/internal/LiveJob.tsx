import { describeStage, epochLine, isFinalJobState, type JobSession } from '@trainwire/core';
import { useState } from 'react';
import { useJob } from '../useJob.js';
import { describeEnd } from './describeEnd.js';
import { describeState, epochLabel, isPredictJob, jobTitle } from './describeLink.js';
import { formatDuration, formatMetric } from './format.js';
import { ItemsProgress } from './ItemsProgress.js';
import { JobProgress } from './JobProgress.js';

/**
 * The dashboard's recent activity: a job's title and state, its progress bar, "Epoch i/N",
 * ETA and losses, and Stop (finish the epoch, save, end) while it runs; how it ended once
 * it did. A pipeline's line names its stage; a predict job shows its items, rate and time
 * left instead of epochs.
 */
export function LiveJob({ session }: { session: JobSession }) {
  const snapshot = useJob(session);
  const [problem, setProblem] = useState<string | null>(null);
  const title = jobTitle(snapshot);
  const { state, progress, connection } = snapshot;
  const line = epochLine(snapshot);
  const final = isFinalJobState(state);
  const end = final ? describeEnd(snapshot) : null;
  return (
    <div className="tw-live-job">
      <p className="tw-live-job-title">
        <strong>{title}</strong> — {describeState(state)} on {connection.worker}
      </p>
      {isPredictJob(snapshot) ? (
        <ItemsProgress title={title} snapshot={snapshot} />
      ) : (
        <>
          <JobProgress title={title} progress={progress} />
          <p className="tw-live-job-line">
            {snapshot.stage === null ? '' : `${describeStage(snapshot.stage)} · `}
            {epochLabel(line)} · ETA {line.etaMs === null ? '—' : formatDuration(line.etaMs)} ·
            Train loss {formatMetric(line.trainLoss)} · Val loss {formatMetric(line.valLoss)}
          </p>
        </>
      )}
      {end === null ? (
        <button
          type="button"
          disabled={state !== 'running' || connection.status === 'lost'}
          onClick={() => {
            setProblem(null);
            session
              .stop()
              .catch((error: unknown) =>
                setProblem(
                  `Could not stop the job: ${error instanceof Error ? error.message : String(error)}`,
                ),
              );
          }}
        >
          Stop
        </button>
      ) : (
        <p className="tw-live-job-end">
          {end.headline}. {end.sentence}
        </p>
      )}
      {problem === null ? null : <p role="alert">{problem}</p>}
    </div>
  );
}
