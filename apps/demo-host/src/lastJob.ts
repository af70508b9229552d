/** The job the page last started, kept so a reload re-attaches its monitor. */
export interface LastJob {
  jobId: string;
  workerId: string;
}

const KEY = 'trainwire-demo-host.last-job';

/** The job saved by {@link saveLastJob}, or null (none, or storage blocked). */
export function loadLastJob(): LastJob | null {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<LastJob> | null;
    return typeof saved?.jobId === 'string' && typeof saved.workerId === 'string'
      ? { jobId: saved.jobId, workerId: saved.workerId }
      : null;
  } catch {
    return null;
  }
}

/** Remembers the running job for the next load of the page; a blocked storage only forgets. */
export function saveLastJob(job: LastJob): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(job));
  } catch {
    // Without storage a reload shows no monitor; the job itself runs on.
  }
}
