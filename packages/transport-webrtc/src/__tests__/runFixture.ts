import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

/** One JSON line a fixture printed. */
export type Line = Record<string, unknown>;

/**
 * Spawns a fixture of `test/fixtures` in its own Node process (with `env` added to this
 * one's); `lines` holds its JSON stdout lines so far, `next` waits for one (rejecting if
 * the process exits first).
 */
export function runFixture(script: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [`${fixtures}${script}`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const lines: Line[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line));
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    child,
    exited,
    lines,
    stderr: () => stderr,
    /** The first line (from the start) with `event` that matches `where`. */
    async next(event: string, where: (line: Line) => boolean = () => true): Promise<Line> {
      const wanted = (l: Line) => l.event === event && where(l);
      for (;;) {
        const found = lines.find(wanted);
        if (found) return found;
        const exit = await Promise.race([
          exited.then(() => 'exit'),
          new Promise<void>((r) => waiters.push(r)),
        ]);
        if (exit === 'exit' && !lines.some(wanted))
          throw new Error(`${script} exited before ${event}: ${stderr}`);
      }
    },
  };
}
