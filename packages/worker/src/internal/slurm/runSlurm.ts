import { execFile } from 'node:child_process';

/** What a Slurm command printed and how it ended. */
export interface SlurmOutput {
  stdout: string;
  stderr: string;
  /** Its exit code; null when it could not run or was killed (`missing`, timeout). */
  code: number | null;
  /** True when the program is not installed on this host. */
  missing: boolean;
}

/** Runs one Slurm client command (`sbatch`, `squeue`, `scancel`, `sacct`). */
export type RunSlurm = (
  program: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
) => Promise<SlurmOutput>;

/** A busy controller answers slowly; nothing waits for it longer than this. */
const COMMAND_TIMEOUT_MS = 60_000;

/** Runs `program` without a shell; never rejects (the outcome is in the result). */
export const runSlurm: RunSlurm = (program, args, env) =>
  new Promise((resolve) => {
    execFile(
      program,
      [...args],
      {
        timeout: COMMAND_TIMEOUT_MS,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        ...(env ? { env } : {}),
      },
      (error, stdout, stderr) => {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        resolve({
          stdout,
          stderr: error && !stderr ? error.message : stderr,
          code: error === null ? 0 : typeof code === 'number' ? code : null,
          missing: code === 'ENOENT',
        });
      },
    );
  });

/** The first line of what a command said on stderr, without Slurm's `sbatch: error: ` prefix. */
export function slurmMessage(output: SlurmOutput): string {
  const lines = output.stderr
    .split('\n')
    .map((line) => line.replace(/^\w+: error: /, '').trim())
    .filter((line) => line !== '');
  return lines.join('; ').slice(0, 1000) || `exit code ${output.code ?? 'unknown'}`;
}
