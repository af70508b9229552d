import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Daemon, requireBuilt, run, shellSplit, start } from './cli.js';

const CRASH_ONCE = fileURLToPath(new URL('./fixtures/crashOnce.mjs', import.meta.url));

describe('trainwire signal, worker and train as three processes on loopback (WebRTC)', () => {
  let dir: string;
  let signal: Daemon;
  let worker: Daemon;
  let clientEnv: Record<string, string>;

  beforeAll(async () => {
    requireBuilt();
    dir = mkdtempSync(join(tmpdir(), 'tw-e2e-'));
    const signalDir = join(dir, 'signal');
    signal = start(['signal', '--port', '0', '--data-dir', signalDir, '--json']);
    const { url } = JSON.parse(await signal.waitFor(/^\{"url"/));
    expect((await run(['rooms', 'create', 'lab', '--data-dir', signalDir])).code).toBe(0);
    const workerKey = JSON.parse(
      (
        await run([
          'keys',
          'create',
          '--room',
          'lab',
          '--kind',
          'worker-key',
          '--data-dir',
          signalDir,
          '--json',
        ])
      ).stdout,
    );
    const token = JSON.parse(
      (await run(['keys', 'create', '--room', 'lab', '--data-dir', signalDir, '--json'])).stdout,
    );
    writeFileSync(
      join(dir, 'worker.yaml'),
      `name: gpu-test\nstopGraceMs: 2000\nprofiles:\n  - id: crashy\n    configProfile: builtin\n    command: ["{node}", "${CRASH_ONCE}", "{builtinTrainer}"]\n`,
    );
    worker = start([
      'worker',
      '--url',
      url,
      '--room',
      'lab',
      '--key',
      workerKey.secret,
      '--data-dir',
      join(dir, 'worker'),
      '--config',
      join(dir, 'worker.yaml'),
    ]);
    await worker.waitFor(/is online in room lab/);
    clientEnv = { TRAINWIRE_URL: url, TRAINWIRE_ROOM: 'lab', TRAINWIRE_TOKEN: token.secret };
  });

  afterAll(async () => {
    await worker?.stop();
    await signal?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the worker with its GPU line', async () => {
    const listed = await run(['workers'], clientEnv);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/gpu-test\s+Not detected\s+available/);
  });

  it('trains with --json: NDJSON only, every epoch once and in order, and the model is registered', async () => {
    const result = await run(
      ['train', '--worker', 'gpu-test', '--preset', 'quick', '--epochs', '5', '--json'],
      clientEnv,
    );
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.seq)).toEqual(events.map((_: unknown, i: number) => i + 1));
    const epochs = events.filter((e) => e.type === 'progress' && e.progress.event === 'epoch_end');
    expect(epochs.map((e) => e.progress.epoch)).toEqual([0, 1, 2, 3, 4]);
    expect(epochs[4].progress.logs['val/loss']).toBeLessThan(epochs[0].progress.logs['val/loss']);
    expect(events.some((e) => e.type === 'artifact' && e.artifact.kind === 'model')).toBe(true);
    const jobs = await run(['jobs', '--json'], clientEnv);
    expect(jobs.stdout).toContain('"state":"completed"');

    // The model comes back over WebRTC, byte for byte.
    const jobId = events[0].jobId as string;
    const out = join(dir, 'fetched');
    const fetched = await run(
      ['fetch', jobId, '--worker', 'gpu-test', '--out', out, '--json'],
      clientEnv,
    );
    expect(fetched.code, fetched.stderr).toBe(0);
    const file = JSON.parse(fetched.stdout.trim());
    expect(readFileSync(file.to).equals(readFileSync(file.from))).toBe(true);
  });

  it('a trainer that dies exits 1 with the resume command, and that command resumes from the checkpoint', async () => {
    const config = join(dir, 'long.json');
    writeFileSync(
      config,
      JSON.stringify({ epochs: 12, dataset: { synthetic: { samples: 20000 } } }),
    );
    const failed = await run(
      ['train', '--worker', 'gpu-test', '--profile', 'crashy', '--config', config],
      clientEnv,
    );
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout).toContain('Remote Training Failed');
    expect(failed.stdout).toMatch(/Reached epoch \d+ of 12\./);
    const resumeLine = failed.stdout
      .split('\n')
      .find((l) => l.trim().startsWith('trainwire train'));
    expect(resumeLine).toBeDefined();
    const [, ...resumeArgs] = shellSplit(resumeLine!.trim());
    expect(resumeArgs).toContain('--resume');
    const resumed = await run([...resumeArgs, '--json'], clientEnv);
    expect(resumed.code, resumed.stderr).toBe(0);
    const epochs = resumed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((e) => e.type === 'progress' && e.progress.event === 'epoch_end')
      .map((e) => e.progress.epoch);
    expect(epochs[0]).toBeGreaterThan(0);
    expect(epochs.at(-1)).toBe(11);
  });

  it('uploads a dataset from this machine over WebRTC, verified by hash, and skips it the next time', async () => {
    const rows = ['x1,x2,label'];
    for (let i = 0; i < 3000; i++) {
      const label = i % 2;
      rows.push(
        `${(label ? 1 : -1) + Math.sin(i) * 0.3},${(label ? -1 : 1) + Math.cos(i) * 0.3},${label}`,
      );
    }
    const local = join(dir, 'my data: ünï.csv');
    writeFileSync(local, `${rows.join('\n')}\n`);
    const first = await run(
      ['train', '--worker', 'gpu-test', '--epochs', '3', '--upload', `dataset=${local}`],
      clientEnv,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Remote Training Completed Successfully');
    expect(first.stdout).toMatch(/Uploading my data: ünï\.csv: 100% of 0\.\d MiB/);
    const uploads = readdirSync(join(dir, 'worker', 'uploads'), { recursive: true }).filter((f) =>
      String(f).endsWith('.csv'),
    );
    expect(uploads).toHaveLength(1);
    const again = await run(
      ['train', '--worker', 'gpu-test', '--epochs', '2', '--upload', `dataset=${local}`],
      clientEnv,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      'The worker already has the input files (same SHA-256): nothing to upload.',
    );
    expect(again.stdout).not.toContain('Uploading');
    expect(
      readdirSync(join(dir, 'worker', 'uploads'), { recursive: true }).filter((f) =>
        String(f).endsWith('.csv'),
      ),
    ).toHaveLength(1);
  });

  it('a wrong token is refused with exit 3', async () => {
    const refused = await run(['workers'], {
      ...clientEnv,
      TRAINWIRE_TOKEN: 'not-the-right-token',
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/cannot join room lab/);
  });

  it('rooms are managed through the running server: a deleted room is gone at once', async () => {
    const signalDir = join(dir, 'signal');
    expect((await run(['rooms', 'create', 'scratch', '--data-dir', signalDir])).code).toBe(0);
    expect((await run(['rooms', 'list', '--data-dir', signalDir])).stdout).toMatch(
      /scratch\s+0 worker/,
    );
    expect((await run(['rooms', 'delete', 'scratch', '--data-dir', signalDir])).code).toBe(0);
    expect((await run(['rooms', 'list', '--data-dir', signalDir])).stdout).not.toContain('scratch');
  });

  it('a missing flag without a terminal exits 2 and names the flag', async () => {
    const missing = await run(['worker', '--data-dir', join(dir, 'w2')], {
      TRAINWIRE_HOME: join(dir, 'nohome'),
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --url');
  });

  it('a two-stage pipeline, then predict with the model of its last stage: predictions back over WebRTC, one per item, hash-checked', async () => {
    const stages = join(dir, 'stages.json');
    const quick = { epochs: 2, dataset: { synthetic: { samples: 400 } } };
    writeFileSync(
      stages,
      JSON.stringify({
        stages: [
          { name: 'first', profile: 'builtin', config: quick },
          {
            name: 'second',
            profile: 'builtin',
            config: quick,
            inputs: { base_model: 'stage:first' },
          },
        ],
      }),
    );
    const trained = await run(
      ['train', '--worker', 'gpu-test', '--stages', stages, '--name', 'td'],
      clientEnv,
    );
    expect(trained.code, trained.stderr).toBe(0);
    const lines = trained.stdout.split('\n');
    const first = lines.indexOf('Stage 1/2: first');
    const second = lines.indexOf('Stage 2/2: second');
    expect(first, trained.stdout).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
    expect(lines.slice(second).some((line) => line.startsWith('Epoch 2/2'))).toBe(true);

    const rows = ['x1,x2,label'];
    for (let i = 0; i < 250; i++) rows.push(`${Math.sin(i)},${Math.cos(i)},${i % 2}`);
    const input = join(dir, 'to-predict.csv');
    writeFileSync(input, `${rows.join('\n')}\n`);
    const out = join(dir, 'predictions');
    const predicted = await run(
      [
        'predict',
        '--worker',
        'gpu-test',
        '--model',
        'td/second',
        '--upload',
        input,
        '--out',
        out,
        '--json',
      ],
      clientEnv,
    );
    expect(predicted.code, predicted.stderr).toBe(0);
    const result = JSON.parse(predicted.stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ type: 'predictions', partial: false });
    const bytes = readFileSync(result.to);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(result.sha256);
    expect(bytes.toString('utf8').trim().split('\n')).toHaveLength(250);
  });
});
