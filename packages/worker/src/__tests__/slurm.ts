import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from './helpers.js';

const ENSURE_SLURM = fileURLToPath(new URL('../../../../scripts/ensure-slurm.sh', import.meta.url));

/**
 * Brings up the single-node Slurm the tests run on (scripts/ensure-slurm.sh: installs,
 * configures and starts slurmctld, slurmd and munge when they are not up; instant when
 * they are). Its partition is `debug`.
 */
export function ensureSlurm(): void {
  execFileSync(ENSURE_SLURM, [], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
}

/** A Slurm job as squeue shows it: state, reason and node list. */
export function squeueJob(slurmJobId: string): { state: string; reason: string; nodes: string } {
  const line = execFileSync(
    'squeue',
    ['--noheader', '--states=all', `--jobs=${slurmJobId}`, '--Format=State:|,Reason:|,NodeList:|'],
    { encoding: 'utf8' },
  ).trim();
  const [state = '', reason = '', nodes = ''] = line.split('|');
  return { state, reason, nodes };
}

/** Waits for the Slurm job id the worker keeps in a job's run folder while it is in Slurm. */
export async function slurmJobIdOf(dataDir: string, jobId: string): Promise<string> {
  const file = join(dataDir, 'runs', jobId, 'slurm-job-id');
  await until(() => existsSync(file), `the Slurm job of ${jobId}`);
  return readFileSync(file, 'utf8').trim();
}

/** Cancels every Slurm job a test's trainwire jobs left (they are named trainwire-JOB_ID). */
export function cancelSlurmJobs(jobIds: readonly string[]): void {
  for (const jobId of jobIds) {
    execFileSync('scancel', [`--name=trainwire-${jobId}`], { stdio: 'ignore' });
  }
}
