import { join } from 'node:path';

/** Where a job's Slurm job id is kept while it runs: the run folder (crash recovery). */
export function slurmJobIdFile(runDir: string): string {
  return join(runDir, 'slurm-job-id');
}
