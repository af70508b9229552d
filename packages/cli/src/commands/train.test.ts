import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { scriptedConnect } from '../../test/scriptedConnect.js';
import { workerConnect } from '../../test/workerConnect.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import { trainCommand } from './train.js';

const spec = COMMANDS.find((c) => c.name === 'train')!;
const args = (...argv: string[]) => parseCommandArgs(spec, argv);

describe('trainwire train (scripted worker over the memory transport)', () => {
  it('prints NDJSON with --json: every epoch once, in order, and nothing else', async () => {
    const { connect } = scriptedConnect();
    const t = fakeIo();
    expect(await trainCommand(args('--epochs', '5', '--json'), t.io, { connect })).toBe(0);
    const events = t
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const epochs = events
      .filter((e) => e.type === 'progress' && e.progress.event === 'epoch_end')
      .map((e) => e.progress.epoch);
    expect(epochs).toEqual([0, 1, 2, 3, 4]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'completed' });
  });

  it('frames the run as the desktop apps do', async () => {
    const { connect } = scriptedConnect();
    const t = fakeIo();
    expect(await trainCommand(args('--epochs', '3'), t.io, { connect })).toBe(0);
    expect(t.out()).toContain('Running Training Remotely on gpu-server-01...');
    expect(t.out()).toMatch(/Epoch 3\/3 {2}loss 0\.3333/);
    expect(t.out()).toContain('Remote Training Completed Successfully');
  });

  // The scripted worker saves no checkpoint before it fails, so no resume command can be shown here.
  it("a failing job exits 1 with the epoch reached and the trainer's error", async () => {
    const { connect } = scriptedConnect({ failAtEpoch: 2 });
    const t = fakeIo();
    expect(
      await trainCommand(args('--epochs', '10', '--worker', 'gpu-server-01'), t.io, { connect }),
    ).toBe(1);
    expect(t.out()).toContain('Remote Training Failed');
    expect(t.out()).toContain('Reached epoch 3 of 10.');
    expect(t.out()).toContain('trainer exited with code 1');
  });

  it('a missing input without a terminal exits 2 and names --map-path; --map-path fixes it', async () => {
    const { connect } = scriptedConnect({ files: { '/srv/data/labels.slp': { size: 10 } } });
    const t = fakeIo();
    expect(
      await trainCommand(args('--epochs', '1', '--input', 'labels=/Users/me/labels.slp'), t.io, {
        connect,
      }),
    ).toBe(2);
    // The terminal's answer to the path dialog: the candidate and the flag computed from it.
    expect(t.err()).toContain('labels: the worker has /srv/data/labels.slp');
    expect(t.err()).toContain('Pass --map-path /Users/me=/srv/data to rewrite the folder');
    expect(t.err()).not.toContain('dialog');
    const ok = fakeIo();
    expect(
      await trainCommand(
        args(
          '--epochs',
          '1',
          '--input',
          'labels=/Users/me/labels.slp',
          '--map-path',
          '/Users/me=/srv/data',
        ),
        ok.io,
        { connect },
      ),
    ).toBe(0);
  });

  it('an invalid config exits 2 naming the field, before anything runs', async () => {
    const { connect, worker } = scriptedConnect();
    const dir = await mkdtemp(join(tmpdir(), 'tw-train-'));
    await writeFile(join(dir, 'bad.yaml'), 'epochs: 0\nlearningRate: -1\n');
    const t = fakeIo();
    expect(await trainCommand(args('--config', join(dir, 'bad.yaml')), t.io, { connect })).toBe(2);
    expect(t.err()).toContain('epochs: epochs must be at least 1');
    expect(t.err()).toContain('learningRate');
    expect(worker.store.listJobs()).toEqual([]);
  });

  it('a missing --config file is exit 2 in words naming --config, the errno in cause', async () => {
    const { connect } = scriptedConnect();
    await expect(
      trainCommand(args('--config', '/no/such/centroid.yaml'), fakeIo().io, { connect }),
    ).rejects.toMatchObject({
      exitCode: 2,
      message:
        'cannot read --config /no/such/centroid.yaml: no such file or folder; pass --config the path of a YAML or JSON trainer config on this machine',
      cause: { code: 'ENOENT' },
    });
  });

  it('a bad --zmq-publish or --zmq-control exits 2 naming the flag, and no job reaches the worker', async () => {
    const { connect, worker } = scriptedConnect();
    let connects = 0;
    const counted: typeof connect = (options) => {
      connects++;
      return connect(options);
    };
    for (const [flag, value] of [
      ['--zmq-publish', 'bogus'],
      ['--zmq-control', 'tcp://127.0.0.1:70000'],
    ] as const) {
      await expect(
        trainCommand(args('--epochs', '1', flag, value), fakeIo().io, { connect: counted }),
      ).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringContaining(`${flag} must be a ZeroMQ address`),
      });
    }
    expect(connects).toBe(0);
    expect(worker.store.listJobs()).toEqual([]);
  });

  it('a bad --min-gpu-memory fails before any --upload is read or anything connects', async () => {
    const { connect, worker } = scriptedConnect();
    await expect(
      trainCommand(
        args('--epochs', '1', '--min-gpu-memory', 'lots', '--upload', 'labels=/no/such/file.slp'),
        fakeIo().io,
        { connect },
      ),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--min-gpu-memory') });
    expect(worker.store.listJobs()).toEqual([]);
  });

  it('first Ctrl-C stops gracefully (checkpoint saved), and the exit code is 130', async () => {
    const { connect } = scriptedConnect({ epochMs: 30 });
    const t = fakeIo();
    const running = trainCommand(args('--epochs', '100'), t.io, { connect });
    while (!t.out().includes('Epoch 1/')) await new Promise((r) => setTimeout(r, 5));
    t.interrupt();
    expect(await running).toBe(130);
    expect(t.out()).toContain('Stopped early after epoch');
    expect(t.out()).toContain('Last checkpoint:');
  });

  it('SIGTERM stops following, says the job goes on and how to see or stop it, exit 143', async () => {
    const { connect, worker } = scriptedConnect({ epochMs: 30 });
    const t = fakeIo();
    const running = trainCommand(args('--epochs', '100'), t.io, { connect });
    while (!t.out().includes('Epoch 1/')) await new Promise((r) => setTimeout(r, 5));
    t.terminate();
    expect(await running).toBe(143);
    const jobId = /job (job-\S+) \(SIGTERM\)/.exec(t.err())?.[1];
    expect(jobId).toBeDefined();
    expect(t.err()).toContain('the job is still running on gpu-server-01');
    expect(t.err()).toContain(`trainwire attach ${jobId} --worker gpu-server-01`);
    expect(t.err()).toContain(`trainwire stop ${jobId} --worker gpu-server-01`);
    expect(t.out()).not.toContain('Remote Training');
    expect(worker.store.getJob(jobId!)?.state).toBe('running');
  });
});

describe('a start the worker refuses is not a failed run', () => {
  /** A scripted worker already running one long job (its limit). */
  async function busyWorker() {
    const scripted = scriptedConnect({ epochMs: 50 });
    const first = fakeIo();
    expect(
      await trainCommand(args('--epochs', '1000', '--detach', '--json'), first.io, scripted),
    ).toBe(0);
    const running = JSON.parse(first.out().trim().split('\n').at(-1)!).jobId as string;
    return { ...scripted, running };
  }

  it('a busy worker: no banner, no "Started", the reason and what to do, exit 4', async () => {
    const { connect, worker, running } = await busyWorker();
    for (const extra of [[], ['--detach']]) {
      const t = fakeIo();
      expect(await trainCommand(args('--epochs', '60', ...extra), t.io, { connect })).toBe(4);
      expect(t.out()).toBe('');
      expect(t.err()).toContain('gpu-server-01 refused the job');
      expect(t.err()).toContain('already runs 1 job(s)');
      expect(t.err()).toContain(`Wait for job ${running} to finish`);
      expect(t.err()).toContain(`trainwire stop ${running} --worker gpu-server-01`);
      expect(t.err()).toContain('--worker NAME or --auto-select');
      expect(t.err()).not.toContain('Reached epoch');
    }
    expect(worker.store.listJobs()).toHaveLength(1);
  });

  it('a busy worker with --json: one JSON line on stdout and nothing else, exit 4', async () => {
    const { connect } = await busyWorker();
    for (const extra of [[], ['--detach']]) {
      const t = fakeIo();
      expect(
        await trainCommand(args('--epochs', '60', '--json', ...extra), t.io, { connect }),
      ).toBe(4);
      const lines = t.out().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        refused: true,
        worker: 'gpu-server-01',
        step: 'start',
        error: { code: 'worker_busy' },
        exitCode: 4,
      });
      expect(t.err()).toBe('');
    }
  });

  it('an unknown --profile is exit 2 naming the profiles the worker offers', async () => {
    const env = await workerConnect();
    try {
      const t = fakeIo();
      expect(await trainCommand(args('--profile', 'nope'), t.io, env)).toBe(2);
      expect(t.out()).toBe('');
      expect(t.err()).toContain(
        'gpu-server-01 refused the job: this worker has no trainer profile "nope"; it offers: builtin',
      );
      expect(t.err()).toContain('--profile');
      const j = fakeIo();
      expect(await trainCommand(args('--profile', 'nope', '--json'), j.io, env)).toBe(2);
      expect(j.out().trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(j.out())).toMatchObject({ error: { code: 'unknown_profile' } });
      expect(env.worker.jobs.listJobs()).toEqual([]);
    } finally {
      await env.close();
    }
  });
});
