import type { JobSession, JobSnapshot } from '@trainwire/core';
import { useJob } from '../useJob.js';
import { describeLink, jobEpochLabel, jobTitle } from './describeLink.js';

const pick = (s: JobSnapshot) => s;

/** One line about the active job: what it is, how far, and how its worker's link stands. */
export function ActiveJobStatus({ session }: { session: JobSession }) {
  const snapshot = useJob(session, pick);
  return (
    <p role="status" className="tw-active-job">
      Job {jobTitle(snapshot)}: {jobEpochLabel(snapshot)}. {describeLink(snapshot)}
    </p>
  );
}
