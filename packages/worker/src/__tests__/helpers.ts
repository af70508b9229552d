import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled built-in trainer; tests that spawn it need `npm run build -w @trainwire/worker`. */
export const TRAINER_MAIN = fileURLToPath(new URL('../../dist/trainer/main.js', import.meta.url));

/** Fails with a clear message when dist/ is missing. */
export function requireDist(): void {
  if (!existsSync(TRAINER_MAIN)) {
    throw new Error(
      `${TRAINER_MAIN} is missing: build first with "npm run build -w @trainwire/worker" (turbo does this before tests)`,
    );
  }
}

const dirs: string[] = [];

/** A fresh temp dir, removed by {@link cleanTempDirs}. */
export function tempDir(prefix = 'tw-worker-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Removes every temp dir made by {@link tempDir}. */
export function cleanTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** True when `pid` is gone (or a zombie nobody reaped yet): the worker's own check. */
export { isProcessGone as isDead } from '../internal/isProcessGone.js';

/** Waits until `check()` is true, polling (no timing assertion: the test timeout bounds it). */
export async function until(check: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
