import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { workerConnect } from '../../test/workerConnect.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import { trainCommand } from './train.js';

const spec = COMMANDS.find((c) => c.name === 'train')!;
const args = (...argv: string[]) => parseCommandArgs(spec, argv);

const quick = { epochs: 2, dataset: { synthetic: { samples: 300 } } };
/** Debian's python, with pyzmq and jsonpickle (installed by the test setup). */
const PYTHON = process.env.TRAINWIRE_PYTHON ?? '/usr/bin/python3';
const FAKE_LOSS_VIEWER = fileURLToPath(
  new URL('../../../bridge-zmq/test/fake_loss_viewer.py', import.meta.url),
);
const ENSURE_PYTHON = fileURLToPath(
  new URL('../../../../scripts/ensure-test-deps.sh', import.meta.url),
);

/** `check()`'s first defined answer, polled for up to 20 s. */
async function until<T>(check: () => T | undefined): Promise<T> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out after 20 s');
}

let env: Awaited<ReturnType<typeof workerConnect>>;
let dir: string;
beforeAll(async () => {
  env = await workerConnect();
  dir = await mkdtemp(join(tmpdir(), 'tw-pipeline-'));
});
afterAll(() => env.close());

/** A stages file of two built-in stages; the second starts from the first's model. */
async function stagesFile(second: Record<string, unknown> = quick): Promise<string> {
  const file = join(dir, `stages-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(
    file,
    JSON.stringify({
      stages: [
        { name: 'first', profile: 'builtin', config: quick },
        {
          name: 'second',
          profile: 'builtin',
          config: second,
          inputs: { base_model: 'stage:first' },
        },
      ],
    }),
  );
  return file;
}

describe('trainwire train with a pipeline (a real worker)', () => {
  it('--stages FILE: prints each stage before its epochs, and every epoch of both', async () => {
    const t = fakeIo();
    const code = await trainCommand(
      args('--stages', await stagesFile(), '--name', 'td'),
      t.io,
      env,
    );
    expect(code, t.err()).toBe(0);
    const lines = t.out().split('\n');
    const at = (text: string) => lines.findIndex((line) => line.startsWith(text));
    expect(at('Stage 1/2: first')).toBeGreaterThan(-1);
    expect(at('Stage 2/2: second')).toBeGreaterThan(at('Stage 1/2: first'));
    // Epochs count from 1 again in each stage.
    const epochLines = lines.filter((line) => /^Epoch \d\/2 /.test(line));
    expect(epochLines.map((line) => line.slice(0, 9))).toEqual([
      'Epoch 1/2',
      'Epoch 2/2',
      'Epoch 1/2',
      'Epoch 2/2',
    ]);
    expect(at('Epoch 1/2')).toBeGreaterThan(at('Stage 1/2: first'));
    expect(lines.findLastIndex((line) => line.startsWith('Epoch 2/2'))).toBeGreaterThan(
      at('Stage 2/2: second'),
    );
    expect(t.out()).toContain('Remote Training Completed Successfully');
  }, 60_000);

  it('--json: every progress event names its stage', async () => {
    const t = fakeIo();
    const code = await trainCommand(
      args('--profile', 'pipeline', '--config', await stagesFile(), '--json'),
      t.io,
      env,
    );
    expect(code, t.err()).toBe(0);
    const progress = t
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((e) => e.type === 'progress' && e.progress.event === 'epoch_end');
    expect(progress.map((e) => [e.stage?.name, e.progress.what, e.progress.epoch])).toEqual([
      ['first', 'first', 0],
      ['first', 'first', 1],
      ['second', 'second', 0],
      ['second', 'second', 1],
    ]);
  }, 60_000);

  it('a stage config the builtin trainer rejects is refused before anything runs, naming the stage', async () => {
    const t = fakeIo();
    const code = await trainCommand(
      args('--stages', await stagesFile({ epochs: 'many' })),
      t.io,
      env,
    );
    expect(code).toBe(2);
    expect(t.out()).toBe('');
    expect(t.err()).toMatch(/stages\.1\.config\.epochs/);
  });

  it('--upload sends a local file once and gives it to every stage as that input', async () => {
    const rows = ['x1,x2,label'];
    for (let i = 0; i < 200; i++) rows.push(`${Math.sin(i)},${Math.cos(i)},${i % 2}`);
    const local = join(dir, 'points.csv');
    await writeFile(local, `${rows.join('\n')}\n`);
    const t = fakeIo();
    const code = await trainCommand(
      args('--stages', await stagesFile(), '--upload', `dataset=${local}`, '--json'),
      t.io,
      env,
    );
    expect(code, t.err()).toBe(0);
    const events = t
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const jobId = events[0].jobId as string;
    const job = JSON.parse(
      readFileSync(join(env.dataDir, 'runs', jobId, 'pipeline.json'), 'utf8'),
    ) as { stages: Array<{ name: string; inputs: Record<string, string> }> };
    const paths = job.stages.map((stage) => stage.inputs.dataset);
    expect(paths[0]).toMatch(/uploads/);
    expect(paths[1]).toBe(paths[0]);
    // The second stage still starts from the first's model.
    expect(job.stages[1]!.inputs.base_model).toBe('stage:first');
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'completed' });
  }, 60_000);

  it('--zmq-publish: a LossViewer-like viewer (Python, pyzmq) sees each stage as a run of its own', async () => {
    execFileSync('bash', [ENSURE_PYTHON, 'python'], { stdio: 'inherit' });
    // Binds both ports and takes `what` from each train_begin, as SLEAP's LossViewer does.
    const viewer = spawn(PYTHON, ['-u', FAKE_LOSS_VIEWER]);
    const lines: Array<Record<string, unknown>> = [];
    createInterface({ input: viewer.stdout }).on('line', (line) => lines.push(JSON.parse(line)));
    try {
      const ready = await until(() => lines.find((l) => l.ready === true));
      const t = fakeIo();
      const code = await trainCommand(
        args(
          '--stages',
          await stagesFile(),
          '--zmq-publish',
          `tcp://127.0.0.1:${ready.publish_port}`,
          '--zmq-control',
          `tcp://127.0.0.1:${ready.control_port}`,
        ),
        t.io,
        env,
      );
      expect(code, t.err()).toBe(0);
      const epochs = () =>
        lines.flatMap((l) => {
          const m = l.received as { event?: string; what?: string; epoch?: number } | undefined;
          return m?.event === 'epoch_end' ? [`${m.what}:${m.epoch}`] : [];
        });
      await until(() => (epochs().length >= 4 ? true : undefined));
      expect(epochs()).toEqual(['first:0', 'first:1', 'second:0', 'second:1']);
      // Nothing was dropped for a `what` the viewer did not expect, and no key was missing.
      expect(lines.filter((l) => l.ignored !== undefined || l.error !== undefined)).toEqual([]);
    } finally {
      viewer.kill();
    }
  }, 60_000);

  it('refuses flags a pipeline takes per stage, and a stages file without a list', async () => {
    const connect = () => Promise.reject(new Error('must not connect'));
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'epochs: 3\n');
    await expect(
      trainCommand(args('--stages', await stagesFile(), '--preset', 'quick'), fakeIo().io, {
        connect,
      }),
    ).rejects.toThrow(/--stages sets each stage's config and inputs; drop --preset/);
    await expect(trainCommand(args('--stages', bad), fakeIo().io, { connect })).rejects.toThrow(
      /must hold one key, "stages", a list of stages.*it also has epochs/,
    );
    await expect(
      trainCommand(args('--pipeline', 'bottom-up'), fakeIo().io, { connect }),
    ).rejects.toThrow(
      /no pipeline "bottom-up" for profile sleap-nn; the pipelines are: --profile sleap-nn --pipeline top-down/,
    );
  });
});
