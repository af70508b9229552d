import { z } from 'zod';

/**
 * Every state a job passes through. `completed`, `failed` and `cancelled` are final.
 */
export const JobStateSchema = z.enum([
  'queued',
  'validating',
  'uploading',
  'starting',
  'running',
  'stopping',
  'completed',
  'failed',
  'cancelled',
]);

/** A job's lifecycle state. */
export type JobState = z.infer<typeof JobStateSchema>;

const FINAL: ReadonlySet<JobState> = new Set(['completed', 'failed', 'cancelled']);

/** True for `completed`, `failed` and `cancelled`: nothing happens to the job after them. */
export function isFinalJobState(state: JobState): boolean {
  return FINAL.has(state);
}
