import type { JobSnapshot } from '@trainwire/core';

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

/** The epoch shown as "Epoch i/N": the one running (1-based), else the last finished. */
export function epochLabel(snapshot: JobSnapshot): string {
  const { currentEpoch, completedEpochs, totalEpochs } = snapshot.progress;
  const epoch = currentEpoch !== null ? currentEpoch + 1 : completedEpochs;
  return `Epoch ${epoch}/${totalEpochs ?? '?'}`;
}

/** Training time so far on the worker's clock: core's, so the CLI shows the same. */
export { elapsedMs } from '@trainwire/core';

/** The job's title: its name, else its id. */
export function jobTitle(snapshot: JobSnapshot): string {
  return snapshot.spec.name ?? snapshot.jobId;
}
