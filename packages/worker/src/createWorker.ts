import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTrainerReader } from '@trainwire/bridge-zmq';
import {
  builtinConfigProfile,
  ConfigProfileRegistry,
  describeGpu,
  parseOrThrow,
  sleapNnConfigProfile,
} from '@trainwire/core';
import {
  type TrainerProfile,
  WORKER_MOUNT_NAMES,
  type WorkerConfig,
  type WorkerConfigInput,
  WorkerConfigSchema,
} from './config/WorkerConfig.js';
import { createLauncher, progressHost } from './internal/createLauncher.js';
import { DataDirLock } from './internal/DataDirLock.js';
import { DiskSpace } from './internal/DiskSpace.js';
import { type FileModes, fileModes, makeDir, writeFileWithMode } from './internal/FileModes.js';
import { generateDatasetProfile } from './internal/generateDatasetProfile.js';
import { stderrWorkerLogger } from './internal/stderrWorkerLogger.js';
import { Uploads } from './internal/Uploads.js';
import { detectMachine, type MachineInfo, type RunCommand } from './machine/detectMachine.js';
import { builtinProfiles, builtinTrainerPath } from './runner/builtinProfiles.js';
import type { TrainerLauncher } from './runner/TrainerLauncher.js';
import type { ProgressLink } from './runner/TrainerProcess.js';
import { Sandbox } from './sandbox/Sandbox.js';
import { ArtifactStore } from './store/ArtifactStore.js';
import { ExperimentStore } from './store/ExperimentStore.js';
import { openDatabase, type WorkerDatabase } from './store/openDatabase.js';
import { SqliteJobStore } from './store/SqliteJobStore.js';
import { UploadStore } from './store/UploadStore.js';
import { Worker } from './Worker.js';
import type { WorkerLogger } from './WorkerLogEntry.js';

/** Things a test or an embedding app may replace. */
export interface WorkerOptions {
  /** Runs `nvidia-smi` (GPU detection); a fake answers from recorded output in tests. */
  runCommand?: RunCommand;
  /**
   * Opens the per-job ZeroMQ link; `createTrainerReader` on free ports by default, on
   * loopback (or `slurm.progressHost` with the Slurm launcher).
   */
  createLink?: () => Promise<ProgressLink>;
  /**
   * Starts trainers; the one `launcher` in the config names by default (`LocalLauncher`, or
   * `SlurmLauncher` with `launcher: slurm`). An embedding app may bring its own
   * `TrainerLauncher` (Kubernetes Jobs, …).
   */
  launcher?: TrainerLauncher;
  /** Config-validation profiles; core's `builtin` and `sleap-nn` plus `generate-dataset` by default. */
  configProfiles?: ConfigProfileRegistry;
  /** Path of the compiled built-in trainer; found next to this package by default. */
  builtinTrainer?: string;
  now?: () => number;
  /**
   * Where the worker tells its operator why it refused a request, with the detail the
   * client is not told (where a symlink led, whose job it was); one line on stderr by
   * default.
   */
  logger?: WorkerLogger;
}

/**
 * Creates a worker from its config: takes `dataDir` (one worker per folder: its
 * `worker.lock` names the process; a live one refuses with `data_dir_in_use`), opens (and
 * migrates) the SQLite store there, ends the jobs a previous run left unfinished (after
 * rescanning their checkpoints), detects the GPU, and sets up the mounts. What it creates
 * there is private to its user (0600 / 0700) unless `fileMode: group`. Then hand it
 * connections with `worker.accept(transport, identity)`.
 *
 * @example
 * ```ts
 * const worker = await createWorker({
 *   dataDir: '/var/lib/trainwire',
 *   mounts: [{ name: 'data', path: '/srv/data', readOnly: true }],
 * });
 * const [client, server] = createMemoryTransportPair();
 * worker.accept(server);
 * // … later
 * await worker.close();
 * ```
 */
export async function createWorker(
  input: WorkerConfigInput | WorkerConfig,
  options: WorkerOptions = {},
): Promise<Worker> {
  const config = parseOrThrow(WorkerConfigSchema, input, 'worker config');
  const modes = fileModes(config.fileMode);
  // A data dir the operator made keeps its mode; what the worker keeps in it is private.
  if (!existsSync(config.dataDir)) makeDir(config.dataDir, modes);
  const profiles = new Map<string, TrainerProfile>();
  for (const profile of [
    ...(config.builtinProfiles ? builtinProfiles() : []),
    ...config.profiles,
  ]) {
    profiles.set(profile.id, profile);
  }
  let builtinTrainer = options.builtinTrainer;
  if (builtinTrainer === undefined && config.builtinProfiles) {
    try {
      builtinTrainer = builtinTrainerPath();
    } catch {
      // Reported when a built-in job starts, so a worker without dist/ still serves sleap-nn.
    }
  }
  const lock = DataDirLock.acquire(config.dataDir, options.now, modes.file);
  let db: WorkerDatabase | undefined;
  try {
    db = openDatabase(join(config.dataDir, 'worker.sqlite'), {
      fileMode: modes.file,
      dirMode: modes.dir,
    });
    return await assemble(db, config, options, modes, profiles, builtinTrainer, () =>
      lock.release(),
    );
  } catch (error) {
    db?.close();
    lock.release();
    throw error;
  }
}

async function assemble(
  db: WorkerDatabase,
  config: WorkerConfig,
  options: WorkerOptions,
  modes: FileModes,
  profiles: Map<string, TrainerProfile>,
  builtinTrainer: string | undefined,
  releaseDataDir: () => void,
): Promise<Worker> {
  // The config schema keeps configured mounts off these names.
  const internalMounts = WORKER_MOUNT_NAMES.map((name) => ({
    name,
    path: join(config.dataDir, name),
    readOnly: true,
  }));
  // The worker's own folders: brought to its mode also when an older worker made them 0755.
  for (const mount of internalMounts) makeDir(mount.path, modes);
  const mounts = [...config.mounts, ...internalMounts];
  const id = config.id ?? workerId(config.dataDir, modes);
  const space = new DiskSpace(
    config.dataDir,
    config.minFreeBytes,
    () => config.name ?? id,
    () => db.pragma('wal_checkpoint(TRUNCATE)'),
    modes.file,
  );
  const uploadStore = new UploadStore(db);
  space.ensureReserve();
  const detected = await detectMachine({
    cpuOnly: config.cpuOnly,
    ...(options.runCommand ? { run: options.runCommand } : {}),
  });
  const host = progressHost(config);
  const worker = new Worker({
    config,
    id,
    db,
    jobs: new SqliteJobStore(db),
    experiments: new ExperimentStore(db),
    artifacts: new ArtifactStore(db),
    sandbox: new Sandbox(mounts),
    uploads: new Uploads(uploadStore, join(config.dataDir, 'uploads'), space, modes),
    uploadStore,
    machine: config.launcher === 'slurm' ? slurmMachine(detected, config) : detected,
    profiles,
    configProfiles:
      options.configProfiles ??
      new ConfigProfileRegistry([
        builtinConfigProfile,
        sleapNnConfigProfile,
        generateDatasetProfile,
      ]),
    createLink: options.createLink ?? (() => createTrainerReader({ host })),
    launcher: options.launcher ?? createLauncher(config, modes),
    builtinTrainer,
    version: packageVersion(),
    now: options.now ?? Date.now,
    space,
    releaseDataDir,
    modes,
    logger: options.logger ?? stderrWorkerLogger,
  });
  await worker.recoverInterruptedJobs();
  return worker;
}

/**
 * What clients are told of a worker whose trainers run on Slurm: the GPU a job gets there
 * (`slurm.gpu`, when `slurm.gpusPerJob` asks for GPUs), not the login node's own.
 */
function slurmMachine(detected: MachineInfo, config: WorkerConfig): MachineInfo {
  const slurm = config.slurm;
  const where = `Slurm partition ${slurm?.partition ?? '(the default)'}`;
  if (config.cpuOnly || slurm === undefined || slurm.gpusPerJob === 0 || !slurm.gpu) {
    return { ...detected, gpus: [], gpu: null, summary: `GPU: Not used (CPU jobs on ${where})` };
  }
  const gpu = { name: slurm.gpu.name, memoryMiB: slurm.gpu.memoryMiB };
  return {
    ...detected,
    gpus: [gpu],
    gpu,
    summary: `GPU: ${describeGpu(gpu)} ×${slurm.gpusPerJob} per job on ${where}`,
  };
}

function workerId(dataDir: string, modes: FileModes): string {
  const file = join(dataDir, 'worker-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = `worker-${randomUUID().slice(0, 8)}`;
  writeFileWithMode(file, `${id}\n`, modes);
  return id;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
