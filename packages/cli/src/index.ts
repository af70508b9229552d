/**
 * The `trainwire` command as plain functions: each command takes parsed arguments and an
 * `Io` and resolves with its exit code, so it is tested without a terminal.
 *
 * @packageDocumentation
 */
export { COMMANDS } from './commands.js';
export { CliError, ConnectionError, ExitCode, UsageError } from './errors.js';
export { type Io, processIo } from './Io.js';
export { main } from './main.js';
