/** Where a command writes and what it knows about its terminal; tests pass their own. */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** True when a person can answer questions (stdin is a TTY and CI is not set). */
  interactive: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Registers a Ctrl-C handler; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
  /**
   * Registers a SIGTERM handler, which should make the command end soon with exit code 143
   * after saying what happens to its job; returns a function that removes it. With no
   * handler registered, SIGTERM ends the process at once (exit 143), as it always does.
   */
  onTerminate(handler: () => void): () => void;
}

/** How long a command may take to wind up after SIGTERM before the process exits anyway. */
const TERMINATE_GRACE_MS = 5_000;

const terminateHandlers = new Set<() => void>();

function onSigterm(): void {
  for (const handler of [...terminateHandlers]) handler();
  // The handlers make the command return; if closing a connection hangs, go anyway.
  setTimeout(() => process.exit(143), TERMINATE_GRACE_MS).unref();
}

let pipesGuarded = false;

/**
 * A reader that went away (`trainwire jobs | head -1`) is not an error: stop quietly, with
 * the command's exit code if it has one, as `ls` or `cat` do. Other stream errors stay fatal.
 */
function exitQuietlyOnBrokenPipe(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      // On the next turn: a command that just ended has set its exit code by then.
      setImmediate(() => process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0));
    });
  }
}

/** The real process's streams. */
export function processIo(): Io {
  exitQuietlyOnBrokenPipe();
  const ci = process.env.CI;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: process.stdin.isTTY === true && (ci === undefined || ci === '' || ci === 'false'),
    env: process.env,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    onTerminate(handler) {
      terminateHandlers.add(handler);
      if (terminateHandlers.size === 1) process.on('SIGTERM', onSigterm);
      return () => {
        terminateHandlers.delete(handler);
        if (terminateHandlers.size === 0) process.off('SIGTERM', onSigterm);
      };
    },
  };
}
