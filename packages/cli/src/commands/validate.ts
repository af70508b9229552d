import { readFile } from 'node:fs/promises';
import {
  builtinConfigProfile,
  ConfigProfileRegistry,
  isTrainwireError,
  parseConfigText,
  sleapNnConfigProfile,
} from '@trainwire/core';
import { CliError, ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { type ParsedArgs, stringFlag } from '../internal/args.js';
import { fsProblem } from '../internal/fsProblem.js';

/** `trainwire validate CONFIG --profile P`: errors and warnings with field paths; exit 2 on errors. */
export async function validateCommand(args: ParsedArgs, io: Io): Promise<number> {
  const file = args.positionals[0];
  if (file === undefined)
    throw new UsageError(
      'missing CONFIG: name the config file to check, e.g. `trainwire validate config.yaml --profile sleap-nn`',
    );
  const profileId = stringFlag(args, 'profile') ?? 'builtin';
  const registry = new ConfigProfileRegistry([builtinConfigProfile, sleapNnConfigProfile]);
  if (registry.get(profileId) === undefined) {
    throw new UsageError(
      `--profile "${profileId}" is not known; use one of ${registry.ids().join(', ')}`,
    );
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(
      'config_unreadable',
      ExitCode.usage,
      `cannot read ${file}: ${fsProblem(error)}; name a YAML or JSON trainer config on this machine`,
      { cause: error },
    );
  }
  let config: Record<string, unknown>;
  try {
    config = parseConfigText(text, file);
  } catch (error) {
    if (isTrainwireError(error))
      throw new CliError(error.code, ExitCode.usage, error.message, { cause: error });
    throw error;
  }
  const report = registry.validate(profileId, config);
  if (args.values.json === true) {
    io.stdout.write(`${JSON.stringify({ file, profile: profileId, ...report })}\n`);
  } else {
    for (const issue of report.issues) {
      io.stdout.write(
        `${issue.severity === 'error' ? 'error  ' : 'warning'}  ${issue.path}: ${issue.message} [${issue.code}]\n`,
      );
    }
    const errors = report.issues.filter((i) => i.severity === 'error').length;
    const warnings = report.issues.length - errors;
    io.stdout.write(
      report.ok
        ? `${file} is a valid ${profileId} config${warnings > 0 ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : ''}.\n`
        : `${file} has ${errors} error${errors > 1 ? 's' : ''}${warnings > 0 ? ` and ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}.\n`,
    );
  }
  return report.ok ? ExitCode.ok : ExitCode.usage;
}
