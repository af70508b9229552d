import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

/** One flag of a command. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  description: string;
  multiple?: boolean;
  short?: string;
  /** Shown in help as the value's name: `--epochs N`. */
  value?: string;
}

/** A command: its help and how to load it (heavy modules load only when it runs). */
export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  /** Positional arguments, for help. */
  positionals?: string;
  run: () => Promise<(args: ParsedArgs, io: import('../Io.js').Io) => Promise<number>>;
}

/** Flags and positionals after parsing. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses argv for `command`; unknown flags and missing values are usage errors naming the flag. */
export function parseCommandArgs(command: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
  > = {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, flag] of Object.entries(command.flags)) {
    options[name] = {
      type: flag.type,
      ...(flag.multiple ? { multiple: true } : {}),
      ...(flag.short ? { short: flag.short } : {}),
    };
  }
  try {
    const parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (error) {
    const message = (error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '');
    throw new UsageError(`${message}\nRun \`trainwire ${command.name} --help\` for the flags.`, {
      cause: error,
    });
  }
}

/** The text of `trainwire <command> --help`. */
export function commandHelp(command: CommandSpec): string {
  const lines = [`Usage: trainwire ${command.usage}`, '', command.summary, '', 'Flags:'];
  const entries = Object.entries(command.flags).map(([name, flag]) => {
    const left = `  ${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}`;
    return [left, `${flag.description}${flag.multiple ? ' (repeatable)' : ''}`] as const;
  });
  entries.push([
    '  --json',
    'print machine-readable JSON (NDJSON for streams) and nothing else on stdout',
  ]);
  entries.push(['  -h, --help', 'show this help']);
  const width = Math.max(...entries.map(([left]) => left.length)) + 2;
  for (const [left, right] of entries) lines.push(`${left.padEnd(width)}${right}`);
  return `${lines.join('\n')}\n`;
}

/** A string flag's value, or undefined. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string flag's values. */
export function listFlag(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** A whole-number flag in [min, max], or undefined; a bad value names the flag. */
export function intFlag(
  args: ParsedArgs,
  name: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} needs a whole number from ${min} to ${max}; got "${raw}"`);
  }
  return value;
}

/** A positive number flag, or undefined. */
export function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} needs a number above 0; got "${raw}"`);
  return value;
}

/**
 * `key=value` pairs of a repeatable flag, e.g. `--input labels=/data/a.slp`; `form` is how
 * the error shows the expected shape (`ROLE=LOCAL_PATH`).
 */
export function pairsFlag(
  args: ParsedArgs,
  name: string,
  form = 'KEY=VALUE',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of listFlag(args, name)) {
    const at = item.indexOf('=');
    if (at <= 0 || at === item.length - 1)
      throw new UsageError(`--${name} takes ${form}; got "${item}"`);
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}
