import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { workerConnect } from '../../test/workerConnect.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';

const argsOf = (name: string) => {
  const spec = COMMANDS.find((c) => c.name === name)!;
  return (...argv: string[]) => parseCommandArgs(spec, argv);
};
const train = argsOf('train');
const predict = argsOf('predict');

// A real worker (SQLite, trainer processes) over the memory transport; one trained model.
let env: Awaited<ReturnType<typeof workerConnect>>;
beforeAll(async () => {
  env = await workerConnect();
  const t = fakeIo();
  const code = await trainCommand(train('--epochs', '3', '--name', 'spirals'), t.io, env);
  expect(code, t.err()).toBe(0);
}, 60_000);
afterAll(() => env.close());

describe('trainwire predict (a real worker)', () => {
  it('predicts with a registered model and downloads one prediction per item, hash-checked', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tw-predict-'));
    const t = fakeIo();
    const code = await predictCommand(predict('--model', 'spirals', '--out', out), t.io, env);
    expect(code, t.err()).toBe(0);
    expect(t.out()).toContain('Running Prediction Remotely on gpu-server-01...');
    const counts = /Predicted (\d+)\/(\d+) items\./.exec(t.out());
    expect(counts, t.out()).not.toBeNull();
    expect(counts![1]).toBe(counts![2]);
    const [file] = await readdir(out);
    expect(t.out()).toContain(`Predictions: ${join(out, file!)} (`);
    const lines = (await readFile(join(out, file!), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(Number(counts![2]));
    expect(JSON.parse(lines[0]!)).toMatchObject({ index: 0, label: expect.any(String) });
  }, 60_000);

  it('uploads a local file to predict on and prints the predictions line with --json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tw-predict-in-'));
    const rows = Array.from(
      { length: 40 },
      (_, n) => `${Math.cos(n).toFixed(3)},${Math.sin(n).toFixed(3)},${n % 2 === 0 ? 'a' : 'b'}`,
    );
    const input = join(dir, 'points.csv');
    await writeFile(input, `x,y,label\n${rows.join('\n')}\n`);
    const out = join(dir, 'out');
    const t = fakeIo();
    const code = await predictCommand(
      predict('--model', 'spirals:1', '--upload', input, '--out', out, '--json'),
      t.io,
      env,
    );
    expect(code, t.err()).toBe(0);
    const last = JSON.parse(t.out().trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ type: 'predictions', partial: false });
    const bytes = await readFile(last.to);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(last.sha256);
    expect(bytes.toString('utf8').trim().split('\n')).toHaveLength(40);
  }, 60_000);

  it('refuses before connecting: no model, two models, --input with --upload, a bad version', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /say which model predicts: --model NAME\[:VERSION\]/],
      [['--model', 'a', '--model-path', '/m.json'], /--model and --model-path each name a model/],
      [['--model', 'a', '--input', '/x', '--upload', '/y'], /pass one/],
      [['--model', 'a:0'], /NAME or NAME:VERSION/],
    ];
    for (const [argv, message] of cases) {
      const connect = () => Promise.reject(new Error('must not connect'));
      await expect(predictCommand(predict(...argv), fakeIo().io, { connect })).rejects.toThrow(
        message,
      );
    }
  });

  it('a model that is not registered: the worker refuses the job, saying so', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tw-predict-'));
    const t = fakeIo();
    const code = await predictCommand(predict('--model', 'nope', '--out', out), t.io, env);
    expect(code, `${t.out()}\n${t.err()}`).toBe(2);
    expect(t.err()).toContain(
      'gpu-server-01 refused the job: this worker has no model named nope; `trainwire models list` shows the registered ones',
    );
    expect(await readdir(out)).toEqual([]);
  });
});
