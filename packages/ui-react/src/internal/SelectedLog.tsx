import type { JobSession, JobSnapshot } from '@trainwire/core';
import { useJob } from '../useJob.js';
import { jobTitle } from './describeLink.js';
import { LogView } from './LogView.js';

const selectLog = (s: JobSnapshot) => s.logs;
const selectTitle = (s: JobSnapshot) => jobTitle(s);

/** The selected job's last output lines. */
export function SelectedLog({ session, rows }: { session: JobSession; rows?: number | undefined }) {
  const lines = useJob(session, selectLog);
  const title = useJob(session, selectTitle);
  return (
    <section className="tw-job-log" aria-label={`Output of ${title}`}>
      <h3>Output of {title}</h3>
      {lines.length === 0 ? <p>No output yet.</p> : null}
      <LogView
        lines={lines}
        label={`Output of ${title}`}
        {...(rows === undefined ? {} : { rows })}
      />
    </section>
  );
}
