import { join } from 'node:path';
import type { SlurmSettings } from '../../config/SlurmSettings.js';

/** What `sbatch` is given for one trainer: its options and the batch script. */
export interface SbatchJob {
  /** Options, then the script's path: `sbatch ...args`. */
  args: string[];
  /** Where the script is written (the run folder). */
  scriptPath: string;
  script: string;
  /** Where Slurm writes the trainer's stdout and stderr, once the job id is known. */
  outputPaths(slurmJobId: string): { stdout: string; stderr: string };
}

/** A Slurm job's name for a trainwire job: how `squeue` and a restarted worker tell it. */
export function slurmJobName(jobId: string): string {
  return `trainwire-${jobId}`;
}

/** One argument for `sh`, single-quoted. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A folder in sbatch's `--output`: `%` starts one of its patterns, so it is doubled. */
function filenamePattern(path: string): string {
  return path.replace(/%/g, '%%');
}

/**
 * The `sbatch` call for one trainer: the batch script (a umask, then `exec` of the
 * trainer's command line, so the trainer is the job's process and gets its signals) and
 * the options — what trainwire sets (name, output files in the run folder, working folder,
 * the environment exported from sbatch's own, no requeue), then the operator's
 * (`partition`, `account`, `timeLimit`, GPUs as `--gres=gpu[:TYPE]:N` for a GPU job, and
 * `sbatchOptions` last).
 */
export function sbatchJob(
  settings: SlurmSettings,
  request: {
    jobId: string;
    argv: readonly string[];
    cwd: string;
    runDir: string;
    device: 'cpu' | 'cuda';
    umask?: number;
  },
): SbatchJob {
  const scriptPath = join(request.runDir, 'slurm-job.sh');
  // `%j` is Slurm's job id; a `%` of the run folder's own is doubled to stay a `%`.
  const out = join(filenamePattern(request.runDir), 'slurm-%j.out');
  const err = join(filenamePattern(request.runDir), 'slurm-%j.err');
  const umask =
    request.umask === undefined ? '' : `umask ${request.umask.toString(8).padStart(3, '0')}\n`;
  const script = [
    '#!/bin/sh',
    `# trainwire job ${request.jobId}, written by its worker's Slurm launcher.`,
    '# The sbatch options are on its command line (see the job with `scontrol show job`).',
    `${umask}exec ${request.argv.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
  const gpus =
    request.device === 'cuda' && settings.gpusPerJob > 0
      ? [`--gres=gpu:${settings.gpuType ? `${settings.gpuType}:` : ''}${settings.gpusPerJob}`]
      : [];
  const args = [
    '--parsable',
    `--job-name=${slurmJobName(request.jobId)}`,
    `--output=${out}`,
    `--error=${err}`,
    `--chdir=${request.cwd}`,
    '--export=ALL',
    '--no-requeue',
    '--nodes=1',
    '--ntasks=1',
    ...(settings.partition ? [`--partition=${settings.partition}`] : []),
    ...(settings.account ? [`--account=${settings.account}`] : []),
    ...(settings.timeLimit ? [`--time=${settings.timeLimit}`] : []),
    ...gpus,
    ...settings.sbatchOptions,
    scriptPath,
  ];
  return {
    args,
    scriptPath,
    script,
    outputPaths: (id) => ({
      stdout: join(request.runDir, `slurm-${id}.out`),
      stderr: join(request.runDir, `slurm-${id}.err`),
    }),
  };
}
