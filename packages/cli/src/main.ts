import { COMMANDS } from './commands.js';
import { ExitCode } from './errors.js';
import { type Io, processIo } from './Io.js';
import { commandHelp, parseCommandArgs } from './internal/args.js';

const VERSION = '0.1.0';

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = [
    'Usage: trainwire <command> [flags]',
    '',
    'Run training on a GPU worker somewhere else and watch it as if it were local.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Every command takes --json and --help. Exit codes: 0 success, 1 job failed,',
    '2 usage or validation error, 3 connection or authentication error, 4 worker busy,',
    '130 interrupted (Ctrl-C), 143 terminated (SIGTERM; a job goes on on its worker).',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `trainwire` with `argv` (without the node and script paths); resolves with the exit
 * code. Errors become messages on stderr (or a JSON object with `--json`), never stacks.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return ExitCode.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(
      `trainwire: unknown command "${name}". Run \`trainwire --help\` for the list.\n`,
    );
    return ExitCode.usage;
  }
  const json = rest.includes('--json');
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help === true) {
      io.stdout.write(commandHelp(command));
      return ExitCode.ok;
    }
    const run = await command.run();
    return await run(args, io);
  } catch (caught) {
    // Ctrl-C at one of @inquirer/prompts' questions: an interrupt, in our words.
    const error =
      caught instanceof Error && caught.name === 'ExitPromptError'
        ? Object.assign(
            new Error('stopped at the question (Ctrl-C); nothing was started or changed'),
            { code: 'interrupted', exitCode: ExitCode.interrupted },
          )
        : caught;
    const { code, exitCode } = classify(error);
    const message = error instanceof Error ? error.message : String(error);
    if (json) io.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    io.stderr.write(`trainwire ${name}: ${message}\n`);
    return exitCode;
  }
}

/** The code and exit code of an error, by its shape (errors of every trainwire package carry `code`). */
function classify(error: unknown): { code: string; exitCode: number } {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    exitCode?: unknown;
  };
  const code = typeof shape.code === 'string' ? shape.code : 'internal_error';
  if (typeof shape.exitCode === 'number') return { code, exitCode: shape.exitCode };
  if (
    code === 'validation_failed' ||
    code === 'config_invalid' ||
    code === 'bad_params' ||
    code === 'unknown_profile' ||
    // Another run holds the data dir: pick another --data-dir (the message says so).
    code === 'data_dir_in_use'
  )
    return { code, exitCode: ExitCode.usage };
  if (code === 'worker_busy' || code === 'submit_refused') return { code, exitCode: ExitCode.busy };
  if (/transport|connect|auth|signal|timeout|closed/.test(code))
    return { code, exitCode: ExitCode.connection };
  return { code, exitCode: ExitCode.jobFailed };
}
