import { type JobState, JobStateSchema } from '@trainwire/core';
import { useEffect, useId, useState } from 'react';
import { ColumnHeads } from './internal/ColumnHeads.js';
import { describeEnd } from './internal/describeEnd.js';
import { jobTitle } from './internal/describeLink.js';
import { JobRow } from './internal/JobRow.js';
import { notify } from './internal/notify.js';
import { SelectedLog } from './internal/SelectedLog.js';
import { useJobStates } from './internal/useJobStates.js';
import { useJobManager } from './useJobManager.js';
import { useJobs } from './useJobs.js';

/** Props of {@link JobsPanel}. */
export interface JobsPanelProps {
  /** Visible log rows (20 by default). */
  logRows?: number;
  /**
   * Also show a system notification (the browser's Notification API) when a job ends, if
   * the user allowed them; the in-page notice is always shown.
   */
  notifications?: boolean;
}

// The lifecycle's own order, as core's schema lists it.
const ORDER: readonly JobState[] = JobStateSchema.options;

/**
 * Every job of the provider's manager: a summary banner, a row per job (title, detail,
 * progress, state, ETA, Cancel), the selected job's output (windowed, tqdm lines
 * coalesced), and a notice in the page (`role="status"`) when a job completes.
 *
 * @example
 * ```tsx
 * <TrainwireProvider manager={manager}>
 *   <JobsPanel notifications />
 * </TrainwireProvider>
 * ```
 */
export function JobsPanel({ logRows, notifications = false }: JobsPanelProps) {
  const manager = useJobManager();
  const jobs = useJobs((s) => s.jobs);
  const states = useJobStates(jobs);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const titleId = useId();

  useEffect(() => {
    const subscription = manager.bus.on('training.complete').subscribe(({ jobId, state }) => {
      const session = manager.getSnapshot().jobs.find((job) => job.jobId === jobId);
      const final = session?.getSnapshot();
      const title = final === undefined ? jobId : jobTitle(final);
      // Core's words (describeFailure / describeOutcome), as the monitor's notice says them.
      const end = final?.state === state ? describeEnd(final) : undefined;
      const text =
        end === undefined
          ? `Remote training ${state}: ${title}.`
          : end.kind === 'completed'
            ? `${end.headline}: ${title}.`
            : `${end.headline}: ${title}. ${end.sentence}`;
      setNotice(text);
      if (notifications) notify(text);
    });
    return () => subscription.unsubscribe();
  }, [manager, notifications]);

  const selected = jobs.find((job) => job.jobId === selectedId) ?? jobs[jobs.length - 1];
  const counts = ORDER.map((state) => [state, states.filter((s) => s === state).length] as const)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`);
  return (
    <section className="tw-jobs" aria-labelledby={titleId}>
      <h2 id={titleId}>Remote Jobs</h2>
      <p className="tw-jobs-summary">
        {jobs.length === 0
          ? 'No remote jobs yet.'
          : `${jobs.length} job${jobs.length === 1 ? '' : 's'}: ${counts.join(', ')}.`}
      </p>
      <div role="status" className="tw-jobs-notice">
        {notice}
      </div>
      {jobs.length === 0 ? null : (
        <table className="tw-jobs-table">
          <caption>Jobs</caption>
          <ColumnHeads names={['Job', 'Progress', 'State', 'ETA', 'Actions']} />
          <tbody>
            {jobs.map((session) => (
              <JobRow
                key={session.jobId}
                session={session}
                selected={session === selected}
                onSelect={() => setSelectedId(session.jobId)}
              />
            ))}
          </tbody>
        </table>
      )}
      {selected === undefined ? null : (
        <SelectedLog key={selected.jobId} session={selected} rows={logRows} />
      )}
    </section>
  );
}
