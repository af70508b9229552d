import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuilt, run } from './cli.js';
import { ensureTorch } from './pytorchLab.js';

// What the README promises: `npm start -- --profile pytorch` trains the worker's PyTorch
// trainer through `trainwire up` (signaling, worker and client over WebRTC) — the real
// binary, Debian's python3-torch, nothing faked.
describe('trainwire up --profile pytorch', () => {
  let dir: string;
  beforeAll(() => {
    requireBuilt();
    ensureTorch();
    dir = mkdtempSync(join(tmpdir(), 'tw-pytorch-up-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains every epoch over WebRTC and names the checkpoints it wrote', async () => {
    const result = await run([
      'up',
      '--profile',
      'pytorch',
      '--epochs',
      '2',
      '--data-dir',
      join(dir, 'ok'),
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // --json prints the job's own events: the trainer's epoch_end (0-based) with its losses.
    const progress = events
      .filter((e) => e.type === 'progress')
      .map((e) => e.progress as { event: string; epoch?: number; logs?: Record<string, unknown> });
    const epochEnds = progress.filter((p) => p.event === 'epoch_end');
    expect(epochEnds.map((p) => p.epoch)).toEqual([0, 1]);
    for (const end of epochEnds) {
      expect(end.logs).toMatchObject({
        'train/loss': expect.any(Number),
        'val/loss': expect.any(Number),
      });
    }
    expect(progress.some((p) => p.event === 'batch_end')).toBe(true);
    const model = events.find(
      (e) => e.type === 'artifact' && (e.artifact as { kind: string }).kind === 'model',
    );
    expect(model).toMatchObject({
      artifact: { path: expect.stringMatching(/checkpoints\/best\.pt$/) },
    });
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'completed', exitCode: 0 });
  }, 120_000);

  it('without torch in the chosen Python: exit 2 before anything starts, saying what to install', async () => {
    const result = await run(['up', '--profile', 'pytorch', '--data-dir', join(dir, 'missing')], {
      TRAINWIRE_PYTHON: '/nonexistent/python3',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--profile pytorch cannot train here');
    expect(result.stderr).toContain('/nonexistent/python3 does not exist');
    expect(result.stdout).not.toContain('Signaling server');
  }, 60_000);
});
