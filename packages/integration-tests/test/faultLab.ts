import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, requireBuilt } from './cli.js';
import { createNetLab, type NetLab } from './netLab.js';
import type { TrackedProcess } from './trackedProcess.js';

const PACE = new URL('./fixtures/paceEpochs.mjs', import.meta.url).href;
const PORT = 8765;

/** The result of a command run to its end. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link createFaultLab}. */
export interface FaultLabOptions {
  /** Pause of the `paced` profile's trainer after each epoch, ms (1000). */
  epochPauseMs?: number;
  /** Size of a tmpfs to use as the worker's data dir (`"96m"`); default a folder of the lab. */
  workerTmpfs?: string;
  workerName?: string;
}

/**
 * The system split across the impaired link: signaling server and worker in namespace A
 * (`ws://10.77.0.1:8765`), the client in namespace B, logged in with `trainwire login`.
 * Every packet between the client and the others crosses the relay.
 */
export interface FaultLab {
  readonly net: NetLab;
  readonly url: string;
  /** The room token the client logged in with. */
  readonly token: string;
  readonly dir: string;
  readonly workerName: string;
  readonly workerDataDir: string;
  /** The running signaling server (replaced by {@link FaultLab.startSignal}). */
  signal: TrackedProcess;
  /** The running worker (replaced by {@link FaultLab.startWorker}). */
  worker: TrackedProcess;
  /** Starts the signaling server on its port and data dir (again, after a restart). */
  startSignal(): Promise<TrackedProcess>;
  /** Starts the worker with its data dir (again, after a crash); resolves once online. */
  startWorker(): Promise<TrackedProcess>;
  /** Starts another worker in namespace A (its own name and data dir); resolves once online. */
  spawnWorker(options: { name: string; dataDir: string }): Promise<TrackedProcess>;
  /** `trainwire ARGS` in namespace B, as the logged-in client. */
  client(args: readonly string[]): TrackedProcess;
  /** `trainwire ARGS` in namespace B, to its end. */
  clientRun(args: readonly string[]): Promise<Finished>;
  /** `trainwire ARGS` in namespace A (next to the server), to its end. */
  serverRun(args: readonly string[]): Promise<Finished>;
  /** Writes a builtin-trainer config (JSON) into the lab's folder; returns its path. */
  writeConfig(name: string, config: Record<string, unknown>): string;
  close(): Promise<void>;
}

/** A small MLP on synthetic data: a few ms of work per epoch, so the pause sets the pace. */
export function smallConfig(epochs: number): Record<string, unknown> {
  return {
    epochs,
    batchSize: 64,
    learningRate: 0.01,
    hiddenLayers: [8],
    dataset: { synthetic: { samples: 600, features: 2, classes: 2, noise: 0.1 } },
  };
}

/** Runs `body` in a fresh lab ({@link createFaultLab}) and closes the lab after, pass or fail. */
export async function withFaultLab<T>(
  options: FaultLabOptions,
  body: (lab: FaultLab) => Promise<T>,
): Promise<T> {
  const lab = await createFaultLab(options);
  try {
    return await body(lab);
  } finally {
    await lab.close();
  }
}

/** Builds the lab: namespaces, relay, signaling server, room, keys, worker, login. */
export async function createFaultLab(options: FaultLabOptions = {}): Promise<FaultLab> {
  requireBuilt();
  const net = await createNetLab();
  try {
    return await populate(net, options);
  } catch (error) {
    await net.close();
    throw error;
  }
}

async function populate(net: NetLab, options: FaultLabOptions): Promise<FaultLab> {
  const dir = net.dir;
  const url = `ws://${net.a.address}:${PORT}`;
  const signalDir = join(dir, 'signal');
  const workerName = options.workerName ?? 'w1';
  const workerDataDir =
    options.workerTmpfs === undefined ? join(dir, 'worker') : net.mountTmpfs(options.workerTmpfs);
  const clientHome = join(dir, 'client-home');
  mkdirSync(clientHome, { recursive: true });
  const env = { ...process.env, CI: 'true' };
  const clientEnv = { ...env, TRAINWIRE_HOME: clientHome };
  const serverEnv = { ...env, TRAINWIRE_HOME: join(dir, 'server-home') };
  const trainwire = (args: readonly string[]) => [BIN, ...args];
  const finish = async (proc: TrackedProcess): Promise<Finished> => {
    const { code } = await proc.exited;
    return { code, stdout: proc.stdout(), stderr: proc.stderr() };
  };
  const serverRun = (args: readonly string[]) =>
    finish(net.spawn(net.a, process.execPath, trainwire(args), serverEnv));

  const workerConfig = join(dir, 'worker.yaml');
  writeFileSync(
    workerConfig,
    [
      `name: ${workerName}`,
      'stopGraceMs: 2000',
      'profiles:',
      '  - id: paced',
      '    configProfile: builtin',
      `    command: ["{node}", "--import", "${PACE}", "{builtinTrainer}", "train"]`,
      `    env: { TRAINWIRE_TEST_EPOCH_PAUSE_MS: "${options.epochPauseMs ?? 1000}" }`,
      '',
    ].join('\n'),
  );

  const startSignal = async () => {
    const signal = net.spawn(
      net.a,
      process.execPath,
      trainwire([
        'signal',
        '--host',
        net.a.address,
        '--port',
        String(PORT),
        '--data-dir',
        signalDir,
        '--json',
      ]),
      serverEnv,
    );
    // Start-up bounds, not product timings: generous, for a machine busy with other lanes.
    await signal.waitForLine(/^\{"url"/, { stream: 'stdout', timeoutMs: 60_000 });
    return signal;
  };
  const signal = await startSignal();
  const created = await serverRun(['rooms', 'create', 'lab', '--data-dir', signalDir]);
  if (created.code !== 0) throw new Error(`rooms create failed: ${created.stderr}`);
  const secret = async (kind: string) => {
    const made = await serverRun([
      'keys',
      'create',
      '--room',
      'lab',
      '--kind',
      kind,
      '--data-dir',
      signalDir,
      '--json',
    ]);
    if (made.code !== 0) throw new Error(`keys create failed: ${made.stderr}`);
    return (JSON.parse(made.stdout.trim()) as { secret: string }).secret;
  };
  const workerKey = await secret('worker-key');
  const token = await secret('room-token');

  // A worker key is bound to the first worker name that uses it: one key per name.
  const keys = new Map<string, string>([[workerName, workerKey]]);
  const startWorker = async (startOptions: { name?: string; dataDir?: string } = {}) => {
    const name = startOptions.name ?? workerName;
    let key = keys.get(name);
    if (key === undefined) {
      key = await secret('worker-key');
      keys.set(name, key);
    }
    const worker = net.spawn(
      net.a,
      process.execPath,
      trainwire([
        'worker',
        '--url',
        url,
        '--room',
        'lab',
        '--key',
        key,
        '--data-dir',
        startOptions.dataDir ?? workerDataDir,
        '--config',
        workerConfig,
        ...(startOptions.name === undefined ? [] : ['--name', startOptions.name]),
      ]),
      serverEnv,
    );
    await worker.waitForLine(/is online in room lab/, { timeoutMs: 60_000 });
    return worker;
  };
  const worker = await startWorker();

  const client = (args: readonly string[]) =>
    net.spawn(net.b, process.execPath, trainwire(args), clientEnv);
  const login = await finish(client(['login', '--url', url, '--room', 'lab', '--token', token]));
  if (login.code !== 0) throw new Error(`login failed: ${login.stdout}${login.stderr}`);

  const lab: FaultLab = {
    net,
    url,
    token,
    dir,
    workerName,
    workerDataDir,
    signal,
    worker,
    startSignal: async () => {
      lab.signal = await startSignal();
      return lab.signal;
    },
    startWorker: async () => {
      lab.worker = await startWorker();
      return lab.worker;
    },
    spawnWorker: (options) => startWorker(options),
    client,
    clientRun: (args) => finish(client(args)),
    serverRun,
    writeConfig: (name, config) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(config));
      return path;
    },
    close: () => net.close(),
  };
  return lab;
}
