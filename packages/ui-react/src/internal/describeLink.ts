import { type EpochLine, epochLine, type JobSnapshot } from '@trainwire/core';

// The words for a job's link and state, as the CLI prints them.

/** "Worker w1 is unreachable (…). Last known: epoch 3/100. The job may still be running." */
export function describeLink(snapshot: JobSnapshot): string {
  const { connection, progress } = snapshot;
  const worker = connection.worker;
  const lastKnown = `Last known: epoch ${progress.completedEpochs}/${progress.totalEpochs ?? '?'}.`;
  switch (connection.status) {
    case 'connected':
      return `Connected to worker ${worker}.`;
    case 'reconnecting':
      return `Reconnecting to worker ${worker}… ${lastKnown}`;
    case 'unreachable':
      return `Worker ${worker} is unreachable (${connection.reason ?? 'no answer'}). ${lastKnown} The job may still be running.`;
    case 'lost':
      return `Lost contact with worker ${worker}: ${connection.reason ?? 'no answer'}. ${lastKnown} Job ${snapshot.jobId} may still be running on the worker.`;
  }
}

const STATE_WORDS: Record<JobSnapshot['state'], string> = {
  queued: 'Queued',
  validating: 'Validating',
  uploading: 'Uploading',
  starting: 'Starting',
  running: 'Running',
  stopping: 'Stopping',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** "Running", "Stopping"… */
export function describeState(state: JobSnapshot['state']): string {
  return STATE_WORDS[state];
}

/** "Epoch i/N" of core's `epochLine` (the CLI's progress line shows the same epoch). */
export function epochLabel(line: Pick<EpochLine, 'epoch' | 'totalEpochs'>): string {
  return `Epoch ${line.epoch}/${line.totalEpochs ?? '?'}`;
}

/** "Epoch i/N" of a job's live progress line. */
export function jobEpochLabel(snapshot: JobSnapshot): string {
  return epochLabel(epochLine(snapshot));
}

/** The job's title: its name, else its id. */
export function jobTitle(snapshot: JobSnapshot): string {
  return snapshot.spec.name ?? snapshot.jobId;
}
