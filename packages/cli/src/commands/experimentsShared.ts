import { ExperimentIdSchema, isTrainwireError } from '@trainwire/core';
import { CliError, ExitCode, UsageError } from '../errors.js';

/** Refusals of the experiment and model methods whose message already says what to do. */
const REFUSALS: Record<string, number> = {
  unknown_experiment: ExitCode.usage,
  experiment_conflict: ExitCode.usage,
  experiment_in_use: ExitCode.usage,
  experiment_state: ExitCode.usage,
  unknown_artifact: ExitCode.usage,
  unknown_model: ExitCode.usage,
  model_active: ExitCode.usage,
  model_in_use: ExitCode.busy,
  artifact_in_use: ExitCode.usage,
  name_taken: ExitCode.usage,
  dataset_exists: ExitCode.usage,
  experiment_running: ExitCode.busy,
};

/**
 * Rethrows a worker's refusal of an experiment or model request as a CLI error with the
 * worker's message (it names the command that helps) and a meaningful exit code; other
 * errors pass unchanged.
 */
export function refusal(workerName: string): (error: unknown) => never {
  return (error) => {
    if (isTrainwireError(error)) {
      const exitCode = REFUSALS[error.code];
      if (exitCode !== undefined)
        throw new CliError(error.code, exitCode, `${workerName}: ${(error as Error).message}`, {
          cause: error,
        });
    }
    throw error;
  };
}

/** Positional `index` as an experiment id, checked here so a bad one never reaches the worker. */
export function experimentIdArg(
  positionals: readonly string[],
  index: number,
  usage: string,
): string {
  const id = positionals[index];
  if (id === undefined)
    throw new UsageError(
      `missing EXPERIMENT: ${usage} (list them with \`trainwire experiments list\`)`,
    );
  const parsed = ExperimentIdSchema.safeParse(id);
  if (!parsed.success)
    throw new UsageError(
      `"${id}" is not an experiment id (${parsed.error.issues[0]?.message ?? 'invalid'}); list them with \`trainwire experiments list\``,
    );
  return parsed.data;
}

/** A date as `YYYY-MM-DD HH:MM` (local time). */
export function shortDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The line under one page of a `list`: how many there are, or how far this page got and
 * the command for the next one. `experiments list` and `artifacts list`.
 */
export function pageFooter(
  what: 'experiment' | 'artifact',
  page: { total: number; nextOffset?: number | undefined },
  shown: number,
): string {
  return page.nextOffset === undefined
    ? `${page.total} ${what}(s).\n`
    : `${shown} of ${page.total}; the next page: \`trainwire ${what}s list --offset ${page.nextOffset}\`.\n`;
}
