import type { Io } from '../src/Io.js';

/** An Io that records what a command wrote; `interrupt()` plays Ctrl-C, `terminate()` SIGTERM. */
export function fakeIo(
  options: { interactive?: boolean; env?: Record<string, string>; tty?: boolean } = {},
) {
  let out = '';
  let err = '';
  const handlers = new Set<() => void>();
  const terminateHandlers = new Set<() => void>();
  const io: Io = {
    stdout: { write: (text: string) => (out += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (err += text) },
    interactive: options.interactive ?? false,
    env: options.env ?? {},
    onInterrupt(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    onTerminate(handler) {
      terminateHandlers.add(handler);
      return () => terminateHandlers.delete(handler);
    },
  };
  return {
    io,
    out: () => out,
    err: () => err,
    interrupt: () => {
      for (const handler of [...handlers]) handler();
    },
    terminate: () => {
      for (const handler of [...terminateHandlers]) handler();
    },
  };
}
