// The two arms of pytorch.bench: the PyTorch trainer run bare by the bench, and the same
// trainer run as a job of a real worker that a client drives over WebRTC. Both are timed
// the same way: each progress message the trainer publishes over ZeroMQ is stamped with
// this process's `performance.now()` the moment a bridge-zmq trainer reader hands it on —
// the bench's own reader for the bare run, the worker's reader (tapped through
// `createWorker`'s `createLink` option, which the worker then uses unchanged) under
// trainwire. So both numbers come from the same clock, the same reader code and the same
// messages; only who launched the trainer differs.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTrainerReader } from '@trainwire/bridge-zmq';
import { createJobManager, fetchPredictions, submitPredict } from '@trainwire/core';
import {
  connectWithCredentials,
  createSignalingServer,
  goOnline,
} from '@trainwire/transport-webrtc';
import { builtinProfiles, createWorker } from '@trainwire/worker';

const RUN_TIMEOUT_MS = 300_000;
/** USER_HZ of /proc/PID/stat: 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;
/** The worker's own `pytorch` profile: the bare run uses its command and its env. */
export const PROFILE = builtinProfiles().find((p) => p.id === 'pytorch');

// The CLI's download target (not exported), as memory/peer.mjs uses it: `trainwire predict`'s path.
const { fileDownloadTarget } = await import(
  new URL('../../packages/cli/dist/internal/fileDownloadTarget.js', import.meta.url).href
);

/**
 * CPU time (user + system, all threads) of process `pid` so far, in ms, from
 * /proc/PID/stat (10 ms ticks); undefined once it is gone or where there is no /proc.
 */
function cpuMs(pid) {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces) in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Stamps every progress message of `messages$` on arrival: `[{event, epoch?, items?, at,
 * cpu?}]`, `cpu` (the trainer's CPU ms so far, `pidOf()` naming it) on `epoch_begin` and
 * `train_end`.
 */
function stamp(messages$, pidOf) {
  const marks = [];
  messages$.subscribe({
    next: (message) => {
      if (message.kind !== 'progress') return;
      const at = performance.now();
      const p = message.progress;
      const cpu = p.event === 'epoch_begin' || p.event === 'train_end' ? cpuMs(pidOf()) : undefined;
      marks.push({ event: p.event, epoch: p.epoch, items: p.items_done, at, cpu });
    },
    error: () => {},
  });
  return marks;
}

/** user + system of a `process.cpuUsage()` delta, in ms. */
const cpuTotalMs = (usage) => (usage.user + usage.system) / 1000;

const withTimeout = (promise, what) => {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: not done in ${RUN_TIMEOUT_MS} ms`)),
      RUN_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
};

/**
 * Runs the trainer bare, as the worker would: the profile's argv and env, the contract's
 * `TRAINWIRE_*` variables (buildTrainerCommand's set), a ZeroMQ reader this bench binds,
 * its own process group, stdout and stderr read line by line — but no worker, no store,
 * no checkpoint registration, no client.
 * @returns {Promise<{ marks: object[], wallMs: number, runDir: string, ownCpuMs: number }>}
 *   wallMs: spawn → exit; ownCpuMs: this process's CPU meanwhile (its reader, the output)
 */
export async function runBare({ runDir, config, jobId, predict }) {
  mkdirSync(join(runDir, 'checkpoints'), { recursive: true });
  mkdirSync(join(runDir, 'datasets'));
  const configPath = join(runDir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const link = await createTrainerReader({ host: '127.0.0.1' });
  let child;
  const marks = stamp(link.messages$, () => child?.pid);
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('TRAINWIRE_')),
  );
  const env = {
    ...inherited,
    ...PROFILE.env,
    TRAINWIRE_JOB_ID: jobId,
    TRAINWIRE_CONFIG: configPath,
    TRAINWIRE_RUN_DIR: runDir,
    TRAINWIRE_CHECKPOINT_DIR: join(runDir, 'checkpoints'),
    TRAINWIRE_RESUME: '',
    TRAINWIRE_DEVICE: 'cpu',
    TRAINWIRE_ZMQ_PUBLISH: link.publishAddress,
    TRAINWIRE_ZMQ_CONTROL: link.controlAddress,
    TRAINWIRE_BASE_MODEL: '',
    TRAINWIRE_FINE_TUNE: '0',
    TRAINWIRE_RUN_NAME: jobId,
    TRAINWIRE_MODE: predict ? 'predict' : 'train',
    // The worker names its datasets folder to every job; an empty one here.
    TRAINWIRE_DATASET_DIR: join(runDir, 'datasets'),
    ...(predict
      ? {
          TRAINWIRE_MODEL: predict.model,
          TRAINWIRE_PREDICTIONS: join(runDir, 'predictions.jsonl'),
          TRAINWIRE_INPUT_INPUT: predict.input,
        }
      : {}),
    CUDA_VISIBLE_DEVICES: '',
  };
  const [program, ...args] = predict ? PROFILE.predictCommand : PROFILE.command;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  child = spawn(program, args, {
    cwd: runDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (text) => {
    tail = (tail + text).slice(-2_000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const code = await new Promise((resolve) =>
    child.on('close', (c, signal) => resolve(c ?? signal)),
  );
  const wallMs = performance.now() - start;
  const ownCpuMs = cpuTotalMs(process.cpuUsage(cpuStart));
  clearTimeout(timer);
  // As the worker does: read what is still in flight (train_end closes the run).
  for (let i = 0; i < 50 && !marks.some((m) => m.event === 'train_end'); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await link.close();
  if (code !== 0) throw new Error(`bare ${jobId} exited ${code}: ${tail}`);
  return { marks, wallMs, runDir, ownCpuMs };
}

/**
 * A signaling server on 127.0.0.1, a worker (`createWorker` on `dataDir`, online through
 * `goOnline` as `trainwire worker` runs it) and a client (`connectWithCredentials`, core's
 * JobManager over that WebRTC link, as the CLI's remote commands), all in this process.
 * `train(config)` and `predict(...)` submit one job each and resolve when it is done.
 */
export async function startTrainwire({ dataDir, mount }) {
  const server = await createSignalingServer({
    host: '127.0.0.1',
    dataDir: join(dataDir, 'signal'),
  });
  const ROOM = 'bench-pytorch';
  server.createRoom(ROOM);
  const workerKey = server.createCredential(ROOM, 'worker-key').secret;
  const token = server.createCredential(ROOM, 'room-token').secret;
  let marks = [];
  let runDir;
  /** The trainer's pid, from the pid file the worker keeps in the job's run folder. */
  let pid;
  const pidOf = () => {
    if (pid === undefined && runDir !== undefined) {
      const text = (() => {
        try {
          return readFileSync(join(runDir, 'trainer.pid'), 'utf8');
        } catch {
          return '';
        }
      })();
      pid = Number.parseInt(text, 10) || undefined;
    }
    return pid;
  };
  const worker = await createWorker(
    {
      dataDir: join(dataDir, 'worker'),
      name: 'bench-pytorch-worker',
      mounts: [{ name: 'bench', path: mount, readOnly: true }],
    },
    {
      // The worker's default link, with the bench's stamp on its (hot) message stream.
      createLink: async () => {
        const link = await createTrainerReader({ host: '127.0.0.1' });
        marks = stamp(link.messages$, pidOf);
        return link;
      },
    },
  );
  const online = await goOnline(worker, {
    signalingUrl: server.url,
    room: ROOM,
    credential: workerKey,
  });
  const session = await connectWithCredentials(
    { signalingUrl: server.url, room: ROOM, credential: token },
    { clientName: 'bench-pytorch' },
  );
  const { manager, dispose } = createJobManager(session.transport);

  /** Runs `submit()`'s job to its end; the marks of its link, and the worker's `ts` of its progress. */
  async function runJob(what, submit, after = async () => undefined) {
    marks = [];
    pid = undefined;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const job = submit();
    runDir = join(dataDir, 'worker', 'runs', job.jobId);
    const ts = [];
    job.events$.subscribe((e) => {
      if (e.type === 'progress')
        ts.push({ event: e.progress.event, epoch: e.progress.epoch, at: e.ts });
    });
    const fetched = await withTimeout(after(job), what);
    const final = await withTimeout(job.done, what);
    const wallMs = performance.now() - start;
    // The worker and the client both live in this process: what trainwire itself cost.
    const ownCpuMs = cpuTotalMs(process.cpuUsage(cpuStart));
    if (final.state !== 'completed') {
      throw new Error(
        `${what} ended ${final.state}: ${final.error?.message ?? JSON.stringify(final)}`,
      );
    }
    return { marks, ts, wallMs, fetched, ownCpuMs };
  }

  return {
    backend: session.transport.backend,
    train: (config, name) =>
      runJob(name, () => manager.submit({ profile: 'pytorch', name, config, device: 'cpu' })),
    /** A predict job of `model` on `input` (worker paths); its predictions fetched to `out`. */
    predict: (config, { model, input }, out) =>
      runJob(
        'predict',
        () =>
          submitPredict(manager, {
            profile: 'pytorch',
            model: { path: model },
            input,
            config,
            device: 'cpu',
          }),
        (job) =>
          fetchPredictions(
            job,
            manager.peerFor(),
            fileDownloadTarget(out, (error) => error),
          ),
      ),
    async close() {
      await dispose();
      await session.close();
      await online.close();
      await worker.close();
      await server.close();
    },
  };
}
