import { describeStage, type EpochLine, epochLine, type JobSnapshot } from '@trainwire/core';

// The words for a job's link and state, as the CLI prints them.

/** "Worker w1 is unreachable (…). Last known: epoch 3/100. The job may still be running." */
export function describeLink(snapshot: JobSnapshot): string {
  const { connection, progress } = snapshot;
  const worker = connection.worker;
  const { items } = snapshot;
  const lastKnown =
    items === null
      ? `Last known: epoch ${progress.completedEpochs}/${progress.totalEpochs ?? '?'}.`
      : `Last known: ${items.done}/${items.total ?? '?'} items.`;
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

/** "Items 512/2000" of a predict job (the total `?` until the trainer says it). */
export function itemsLabel(items: NonNullable<JobSnapshot['items']>): string {
  return `Items ${items.done}/${items.total ?? '?'}`;
}

/**
 * A job's live progress in a few words: "Epoch i/N"; a pipeline's stage first ("Stage 2/2:
 * centered_instance · Epoch i/N"); a predict job's items ("Items 512/2000").
 */
export function jobEpochLabel(snapshot: JobSnapshot): string {
  if (snapshot.items !== null) return itemsLabel(snapshot.items);
  const epoch = epochLabel(epochLine(snapshot));
  return snapshot.stage === null ? epoch : `${describeStage(snapshot.stage)} · ${epoch}`;
}

/** True for a predict job (`spec.predict`): its progress is items, not epochs. */
export function isPredictJob(snapshot: Pick<JobSnapshot, 'spec'>): boolean {
  return snapshot.spec.predict !== undefined;
}

/** The job's title: its name, else its id. */
export function jobTitle(snapshot: JobSnapshot): string {
  return snapshot.spec.name ?? snapshot.jobId;
}
