import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileDownloadTarget } from './fileDownloadTarget.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('the CLI download target', () => {
  it('asks the download to wait while the disk catches up: one shared wait, never a listener per chunk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tw-target-'));
    dirs.push(dir);
    const target = fileDownloadTarget(join(dir, 'model.bin'), (error) => error as Error);
    const out = target.openPartial(0);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const whole = createHash('sha256');
    const pending = new Set<Promise<void>>();
    // As chunks arrive within the sender's window: written at once, none waited for.
    for (let i = 0; i < 64; i++) {
      const chunk = new Uint8Array(256 * 1024).fill(i);
      whole.update(chunk);
      const writing = out.write(chunk);
      if (writing !== undefined) pending.add(writing);
    }
    expect(pending.size).toBe(1);
    await Promise.all(pending);
    await out.close();
    await target.commit();
    process.off('warning', onWarning);
    expect(warnings.map(String)).toEqual([]);
    const written = await readFile(join(dir, 'model.bin'));
    expect(createHash('sha256').update(written).digest('hex')).toBe(whole.digest('hex'));
  });
});
