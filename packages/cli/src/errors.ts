/**
 * Exit codes of the `trainwire` command: 0 success, 1 job failed or cancelled, 2 usage or
 * validation error, 3 connection or authentication error, 4 the worker is busy (no room for
 * another job), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM; the job goes on).
 */
export const ExitCode = {
  ok: 0,
  jobFailed: 1,
  usage: 2,
  connection: 3,
  busy: 4,
  interrupted: 130,
  terminated: 143,
} as const;

/**
 * An error that ends the command with an exit code and a message a user can act on. It has
 * the shape of core's `TrainwireError` (`name`, `code`) without importing the core, so
 * `trainwire --help` loads nothing heavy.
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, exitCode: number, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A missing or bad flag or argument (exit 2). */
export class UsageError extends CliError {
  override name = 'UsageError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('usage', ExitCode.usage, message, options);
  }
}

/** The signaling server or worker could not be reached, or refused us (exit 3). */
export class ConnectionError extends CliError {
  override name = 'ConnectionError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('connection', ExitCode.connection, message, options);
  }
}
