/** Where a command writes and what it knows about its terminal; tests pass their own. */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** True when a person can answer questions (stdin is a TTY and CI is not set). */
  interactive: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Registers a Ctrl-C handler; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

/** The real process's streams. */
export function processIo(): Io {
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
  };
}
