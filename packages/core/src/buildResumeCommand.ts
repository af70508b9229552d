/** What {@link buildResumeCommand} repeats of the run that is to be resumed. */
export interface ResumeCommandInput {
  /** The worker the job ran on (`--worker`). */
  worker: string;
  /** Its trainer profile (`--profile`). */
  profile: string;
  /** The checkpoint on the worker to resume from (`--resume`). */
  checkpoint: string;
  /**
   * Other flags the run was started with, in order, by name without `--` (`preset`,
   * `config`, `epochs`, …); an undefined value is left out.
   */
  flags?: ReadonlyArray<readonly [name: string, value: string | undefined]>;
  /** Its inputs by role (`--input ROLE=PATH`). */
  inputs?: Readonly<Record<string, string>>;
  /** Its path rewrites (`--map-path FROM=TO`). */
  mapPaths?: Readonly<Record<string, string>>;
}

/** A value as a POSIX shell reads it back unchanged: bare when safe, else single-quoted. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * The `trainwire train … --resume CHECKPOINT` command that resumes a run, every value
 * quoted for a shell: what the CLI's failure summary prints and the failure dialog's Copy
 * button copies. For a pipeline (`profile: "pipeline"`) the checkpoint is one of the
 * stage it ended in: the worker restarts that stage from it, reuses the models of the
 * stages before it and runs the ones after (`describeFailure`'s `resumeNote` says so).
 *
 * @example
 * ```ts
 * buildResumeCommand({ worker: 'gpu-1', profile: 'builtin', checkpoint: '/runs/j1/last.json' });
 * // → "trainwire train --worker gpu-1 --profile builtin --resume /runs/j1/last.json"
 * ```
 */
export function buildResumeCommand(input: ResumeCommandInput): string {
  const parts = [
    'trainwire',
    'train',
    '--worker',
    shellQuote(input.worker),
    '--profile',
    shellQuote(input.profile),
  ];
  for (const [name, value] of input.flags ?? [])
    if (value !== undefined) parts.push(`--${name}`, shellQuote(value));
  for (const [role, path] of Object.entries(input.inputs ?? {}))
    parts.push('--input', shellQuote(`${role}=${path}`));
  for (const [from, to] of Object.entries(input.mapPaths ?? {}))
    parts.push('--map-path', shellQuote(`${from}=${to}`));
  parts.push('--resume', shellQuote(input.checkpoint));
  return parts.join(' ');
}
