import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTrainerReader, type TrainerReader } from '@trainwire/bridge-zmq';
import type { ProgressMessage } from '@trainwire/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureTorch, PYTHON, type SelfCheck, TRAIN_PY } from './pytorchLab.js';
import { spawnTracked, type TrackedProcess } from './trackedProcess.js';

// The PyTorch trainer and its Python helper without a worker: the trainer spawned with the
// contract's environment, a real ZeroMQ reader (bridge-zmq's, the one the worker uses),
// and signals sent straight to it.

const DOCS = fileURLToPath(new URL('../../../docs/trainers.md', import.meta.url));
const HELPER_TESTS = fileURLToPath(new URL('./pytorch_helper_test.py', import.meta.url));
const HELPER_DIR = fileURLToPath(new URL('../../worker/trainers/python', import.meta.url));
const TRAINER_DIR = fileURLToPath(new URL('../../worker/trainers/pytorch', import.meta.url));

let dir: string;
let check: SelfCheck;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

beforeAll(() => {
  check = ensureTorch();
  dir = mkdtempSync(join(tmpdir(), 'tw-pytorch-signals-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  trainer: TrackedProcess;
  reader: TrainerReader;
  progress: ProgressMessage[];
  checkpointDir: string;
  /** Resolves once `epoch_end` of `epoch` arrived. */
  epochEnded(epoch: number): Promise<void>;
}

/** Starts `script` (train.py) as the worker would, with `config` and `env` on top of the contract's variables. */
async function startTrainer(
  name: string,
  config: Record<string, unknown>,
  env: Record<string, string> = {},
  script = TRAIN_PY,
): Promise<Run> {
  const runDir = join(dir, name);
  const checkpointDir = join(runDir, 'checkpoints');
  mkdirSync(checkpointDir, { recursive: true });
  writeFileSync(join(runDir, 'config.json'), JSON.stringify(config));
  const reader: TrainerReader = await createTrainerReader();
  cleanups.push(() => reader.close());
  const progress: ProgressMessage[] = [];
  const waiters = new Set<() => void>();
  reader.messages$.subscribe((m) => {
    if (m.kind !== 'progress') return;
    progress.push(m.progress);
    for (const wake of [...waiters]) wake();
  });
  const trainer = spawnTracked(PYTHON, [script], {
    ...process.env,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    TRAINWIRE_JOB_ID: name,
    TRAINWIRE_CONFIG: join(runDir, 'config.json'),
    TRAINWIRE_RUN_DIR: runDir,
    TRAINWIRE_CHECKPOINT_DIR: checkpointDir,
    TRAINWIRE_DEVICE: 'cpu',
    TRAINWIRE_ZMQ_PUBLISH: reader.publishAddress,
    TRAINWIRE_ZMQ_CONTROL: reader.controlAddress,
    ...env,
  });
  cleanups.push(() => {
    trainer.kill('SIGKILL');
    return trainer.exited;
  });
  const epochEnded = (epoch: number) =>
    new Promise<void>((resolve, reject) => {
      const settle = () => {
        if (progress.some((p) => p.event === 'epoch_end' && p.epoch === epoch)) {
          waiters.delete(settle);
          resolve();
        } else if (!trainer.running()) {
          waiters.delete(settle);
          reject(new Error(`the trainer exited before epoch ${epoch} ended:\n${trainer.stderr()}`));
        }
      };
      waiters.add(settle);
      void trainer.exited.then(settle);
      settle();
    });
  return { trainer, reader, progress, checkpointDir, epochEnded };
}

const epochsOf = (progress: readonly ProgressMessage[]) =>
  progress.filter((p) => p.event === 'epoch_end').map((p) => (p as { epoch: number }).epoch);

describe('the PyTorch trainer on its own, under signals', () => {
  it('--self-check reports torch and pyzmq as JSON and exits 0', () => {
    expect(check).toMatchObject({ ok: true, missing: [] });
    expect(check.torch).toMatch(/^\d+\.\d+/);
    expect(check.pyzmq).toMatch(/^\d+\.\d+/);
    expect(check.device).toBe(check.cuda ? 'cuda' : 'cpu');
  });

  it('SIGINT finishes the epoch, saves, sends train_end and exits 0', async () => {
    const run = await startTrainer('sigint', { epochs: 100 });
    await run.epochEnded(0);
    run.trainer.kill('SIGINT');
    const exit = await run.trainer.exited;
    expect(exit, run.trainer.stderr()).toMatchObject({ code: 0, signal: null });
    const epochs = epochsOf(run.progress);
    expect(epochs.length).toBeLessThan(100);
    expect(epochs).toEqual([...epochs.keys()]);
    expect(run.progress[0]).toMatchObject({
      event: 'train_begin',
      what: 'sigint',
      total_epochs: 100,
    });
    expect(run.progress.at(-1)?.event).toBe('train_end');
    expect(run.trainer.stdout()).toContain(
      'stop requested (SIGINT): finishing the epoch and saving a checkpoint',
    );
    expect(run.trainer.stdout()).toContain(`stopped early after epoch ${epochs.length}/100`);
    const files = readdirSync(run.checkpointDir);
    expect(files).toEqual(
      expect.arrayContaining([
        'best.pt',
        'last.pt',
        `epoch-${String(epochs.length - 1).padStart(4, '0')}.pt`,
      ]),
    );
  });

  it('SIGTERM ends it at once: killed by the signal, no further epoch, no train_end', async () => {
    const run = await startTrainer('sigterm', { epochs: 100 });
    await run.epochEnded(0);
    const seen = epochsOf(run.progress).length;
    run.trainer.kill('SIGTERM');
    const exit = await run.trainer.exited;
    expect(exit).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(epochsOf(run.progress).length).toBeLessThanOrEqual(seen + 1);
    expect(run.progress.some((p) => p.event === 'train_end')).toBe(false);
  });

  it('a base model starts a new run from its weights; a resume with another config is refused, naming the field', async () => {
    const small = { epochs: 2, samples: 320 };
    const base = await startTrainer('base', small);
    expect(await base.trainer.exited, base.trainer.stderr()).toMatchObject({ code: 0 });
    const baseModel = join(base.checkpointDir, 'best.pt');
    const firstLoss = (run: Run) =>
      run.progress.find((p) => p.event === 'epoch_end')?.logs?.['train/loss'] as number;

    // Both start from the base run's checkpoints, side by side.
    const [tuned, refused] = await Promise.all([
      startTrainer('tuned', small, { TRAINWIRE_BASE_MODEL: baseModel }),
      startTrainer(
        'refused',
        { ...small, epochs: 4, learningRate: 0.01 },
        { TRAINWIRE_RESUME: join(base.checkpointDir, 'last.pt') },
      ),
    ]);
    expect(await tuned.trainer.exited, tuned.trainer.stderr()).toMatchObject({ code: 0 });
    expect(tuned.trainer.stdout()).toContain(`fine-tuning from ${baseModel}`);
    expect(epochsOf(tuned.progress)).toEqual([0, 1]);
    expect(firstLoss(tuned)).toBeLessThan(firstLoss(base));
    expect(await refused.trainer.exited).toMatchObject({ code: 2 });
    expect(refused.trainer.stderr()).toContain(
      'was trained with another config (learningRate: 0.003 in the checkpoint, 0.01 now); resume with the config it was trained with',
    );
  });

  it("the Python helper's own unit tests pass (config checks, environment, CUDA, checkpoints, ZeroMQ)", async () => {
    const result = await promisify(execFile)(
      PYTHON,
      ['-m', 'unittest', '-v', 'pytorch_helper_test'],
      {
        cwd: join(HELPER_TESTS, '..'),
        env: {
          ...process.env,
          PYTHONPATH: `${HELPER_DIR}:${TRAINER_DIR}`,
          PYTHONDONTWRITEBYTECODE: '1',
        },
      },
    ).catch((error: { stderr?: string; stdout?: string; code?: number }) => {
      throw new Error(`python unittest failed (${error.code}):\n${error.stdout}\n${error.stderr}`);
    });
    expect(result.stderr).toMatch(/^OK$/m);
    expect(result.stderr).toMatch(/Ran [1-9]\d* tests?/);
  });
});

/** The ```python blocks of docs/trainers.md. */
function pythonBlocks(): string[] {
  const blocks = [...readFileSync(DOCS, 'utf8').matchAll(/^```python\n([\s\S]*?)^```$/gm)];
  return blocks.map((m) => m[1]!);
}

describe('the Python examples of docs/trainers.md', () => {
  it('all compile (the Lightning and Keras ones cannot run here: no such packages)', async () => {
    const blocks = pythonBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const files = blocks.map((code, i) => {
      const file = join(dir, `docs-example-${i}.py`);
      writeFileSync(file, code);
      return file;
    });
    const compile = 'import sys\nfor f in sys.argv[1:]: compile(open(f).read(), f, "exec")';
    await promisify(execFile)(PYTHON, ['-c', compile, ...files]);
  });

  it('the plain loop runs under the contract: progress, the stop command, a checkpoint, a resume', async () => {
    const loop = pythonBlocks().find((code) => code.includes('A plain PyTorch loop'));
    expect(loop).toBeDefined();
    const script = join(dir, 'plain_loop.py');
    writeFileSync(script, loop!);
    const env = { PYTHONPATH: HELPER_DIR };
    const run = await startTrainer('plain', { epochs: 100_000 }, env, script);
    await run.epochEnded(0);
    await run.reader.sendStop();
    const exit = await run.trainer.exited;
    expect(exit, run.trainer.stderr()).toMatchObject({ code: 0 });
    const epochs = epochsOf(run.progress);
    expect(epochs.length).toBeLessThan(100_000);
    expect(run.trainer.stdout()).toContain(`stopped early after epoch ${epochs.length}/100000`);
    expect(run.progress.at(-1)?.event).toBe('train_end');

    const resumed = await startTrainer(
      'plain-resumed',
      { epochs: epochs.length + 2 },
      { ...env, TRAINWIRE_RESUME: join(run.checkpointDir, 'last.pt') },
      script,
    );
    expect(await resumed.trainer.exited).toMatchObject({ code: 0 });
    expect(epochsOf(resumed.progress)).toEqual([epochs.length, epochs.length + 1]);
    const valLosses = [...run.progress, ...resumed.progress].flatMap((p) =>
      p.event === 'epoch_end' ? [p.logs['val/loss']!] : [],
    );
    expect(valLosses.at(-1)!).toBeLessThan(valLosses[0]!);
  });
});
