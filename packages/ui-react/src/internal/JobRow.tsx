import { isFinalJobState, type JobSession } from '@trainwire/core';
import { useState } from 'react';
import { useJob } from '../useJob.js';
import { describeState, jobEpochLabel, jobTitle } from './describeLink.js';
import { formatDuration } from './format.js';
import { JobProgress } from './JobProgress.js';

export interface JobRowProps {
  session: JobSession;
  selected: boolean;
  onSelect: () => void;
}

/** One row of the jobs panel: title and detail, progress, state, ETA, Cancel. */
export function JobRow({ session, selected, onSelect }: JobRowProps) {
  const snapshot = useJob(session);
  const [problem, setProblem] = useState<string | null>(null);
  const title = jobTitle(snapshot);
  const { progress, state, eta, connection, items } = snapshot;
  const remainingMs = items === null ? (eta?.remainingMs ?? null) : items.etaMs;
  const final = isFinalJobState(state);
  return (
    <tr className={selected ? 'tw-job tw-job-selected' : 'tw-job'}>
      <td>
        <button type="button" aria-pressed={selected} onClick={onSelect}>
          {title}
        </button>
        <div className="tw-job-detail">
          {jobEpochLabel(snapshot)} on {connection.worker}
          {connection.status === 'connected' ? '' : ` (${connection.status})`}
        </div>
      </td>
      <td>
        <JobProgress title={title} progress={progress} items={items} />
      </td>
      <td>{describeState(state)}</td>
      <td>{remainingMs === null ? '—' : formatDuration(remainingMs)}</td>
      <td>
        <button
          type="button"
          aria-label={`Cancel ${title}`}
          disabled={final || connection.status === 'lost'}
          onClick={() => {
            setProblem(null);
            session
              .cancel()
              .catch((error: unknown) =>
                setProblem(
                  `Could not cancel: ${error instanceof Error ? error.message : String(error)}`,
                ),
              );
          }}
        >
          Cancel
        </button>
        {problem === null ? null : <span role="alert">{problem}</span>}
      </td>
    </tr>
  );
}
