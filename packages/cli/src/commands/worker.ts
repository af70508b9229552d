import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createWorker, readWorkerConfigFile, type WorkerConfigInput } from '@trainwire/worker';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { intFlag, listFlag, type ParsedArgs, stringFlag } from '../internal/args.js';
import { requireValue } from '../internal/ask.js';
import { credentialsPath, readCredentials } from '../internal/credentials.js';
import { fsProblem } from '../internal/fsProblem.js';
import { goOnline } from '../internal/goOnline.js';

/** `--mount name=path[:ro|:rw]` → a mount (read-only unless `:rw`). */
export function parseMount(text: string): { name: string; path: string; readOnly: boolean } {
  const match = /^([A-Za-z0-9._-]+)=(.+?)(?::(ro|rw))?$/.exec(text);
  if (match === null) throw new UsageError(`--mount takes NAME=PATH[:ro|:rw]; got "${text}"`);
  return { name: match[1]!, path: resolve(match[2]!), readOnly: match[3] !== 'rw' };
}

/** `--launcher local|slurm`: how trainers start (the config file's `launcher` otherwise). */
function launcherFlag(args: ParsedArgs): 'local' | 'slurm' | undefined {
  const value = stringFlag(args, 'launcher');
  if (value === undefined || value === 'local' || value === 'slurm') return value;
  throw new UsageError(
    `--launcher takes local or slurm; got "${value}" (Slurm settings go in the config file's slurm: section)`,
  );
}

/**
 * The worker key from `--key-file` (a file only its owner may read) or, discouraged,
 * `--key` (every local user can read a process's command line in /proc).
 */
async function keyFromFlags(args: ParsedArgs, io: Io): Promise<string | undefined> {
  const file = stringFlag(args, 'key-file');
  const inline = stringFlag(args, 'key');
  if (file !== undefined && inline !== undefined)
    throw new UsageError('pass the worker key once: --key-file or --key, not both');
  if (inline !== undefined) {
    io.stderr.write(
      'warning: --key puts the worker key in the command line, which every user of this machine can read; use --key-file FILE (mode 0600) or TRAINWIRE_KEY\n',
    );
    return inline;
  }
  if (file === undefined) return undefined;
  const path = resolve(file);
  const info = await stat(path).catch((error: unknown) => {
    throw new UsageError(`cannot read --key-file ${path}: ${fsProblem(error)}`, { cause: error });
  });
  if ((info.mode & 0o077) !== 0)
    throw new UsageError(
      `--key-file ${path} can be read by other users (mode ${(info.mode & 0o777).toString(8)}); run \`chmod 600 ${path}\` first`,
    );
  const key = (await readFile(path, 'utf8')).trim();
  if (key === '') throw new UsageError(`--key-file ${path} is empty; put the worker key in it`);
  return key;
}

/**
 * `trainwire worker`: runs a worker — its store, trainers and mounts — online in a room
 * until Ctrl-C. Flags override the `--config` file; the signaling URL, room and key come
 * from flags, TRAINWIRE_URL / TRAINWIRE_ROOM / TRAINWIRE_KEY, or `trainwire login --role worker`.
 */
export async function workerCommand(args: ParsedArgs, io: Io): Promise<number> {
  const file = stringFlag(args, 'config');
  const launcher = launcherFlag(args);
  // Flags complete the file (it may leave out dataDir); createWorker validates the whole.
  const base: Partial<WorkerConfigInput> = file === undefined ? {} : readWorkerConfigFile(file);
  const stored = await readCredentials(credentialsPath(io.env));
  const url = await requireValue(
    io,
    stringFlag(args, 'url') ?? io.env.TRAINWIRE_URL ?? stored?.signalingUrl,
    'url',
    'Signaling server URL (ws://host:port):',
  );
  const room = await requireValue(
    io,
    stringFlag(args, 'room') ?? io.env.TRAINWIRE_ROOM ?? stored?.room,
    'room',
    'Room:',
  );
  const credential = await requireValue(
    io,
    (await keyFromFlags(args, io)) ?? io.env.TRAINWIRE_KEY ?? stored?.credential,
    'key',
    'Worker API key:',
  );
  const dataDir = stringFlag(args, 'data-dir') ?? base.dataDir;
  if (dataDir === undefined)
    throw new UsageError('missing --data-dir: where the worker keeps its store, runs and uploads');
  const mounts = listFlag(args, 'mount').map(parseMount);
  const maxJobs = intFlag(args, 'max-jobs', 1, 64);
  const name = stringFlag(args, 'name');
  const worker = await createWorker({
    ...base,
    dataDir: resolve(dataDir),
    ...(name === undefined ? {} : { name }),
    ...(mounts.length === 0 ? {} : { mounts: [...(base.mounts ?? []), ...mounts] }),
    ...(maxJobs === undefined ? {} : { maxConcurrentJobs: maxJobs }),
    ...(args.values['cpu-only'] === true ? { cpuOnly: true } : {}),
    ...(launcher === undefined ? {} : { launcher }),
  });
  let online: Awaited<ReturnType<typeof goOnline>>;
  try {
    online = await goOnline(worker, {
      url,
      room,
      credential,
      log: (line) => io.stderr.write(`${line}\n`),
    });
  } catch (error) {
    await worker.close();
    throw error;
  }
  const info = worker.info();
  const gpu = info.gpu === null ? 'Not detected' : `${info.gpu.name} (${info.gpu.memoryMiB} MiB)`;
  const { config } = worker.parts;
  const trainers =
    config.launcher === 'slurm'
      ? `Trainers: Slurm jobs (partition ${config.slurm?.partition ?? 'the default'})`
      : 'Trainers: local processes';
  if (args.values.json === true)
    io.stdout.write(
      `${JSON.stringify({ online: true, name: info.name, room, url, gpu: info.gpu, launcher: config.launcher })}\n`,
    );
  else
    io.stdout.write(
      `Worker ${info.name} is online in room ${room} at ${url}.\nGPU: ${gpu}\n${trainers}\nCtrl-C to stop.\n`,
    );
  const signal = await new Promise<'SIGINT' | 'SIGTERM'>((done) => {
    const removeInterrupt = io.onInterrupt(() => {
      removeInterrupt();
      removeTerminate();
      done('SIGINT');
    });
    const removeTerminate = io.onTerminate(() => {
      removeInterrupt();
      removeTerminate();
      done('SIGTERM');
    });
  });
  io.stderr.write(
    'Stopping the worker: its running jobs are cancelled and their clients told why…\n',
  );
  // The worker first, while its links are up: its clients get the jobs' final events.
  await worker.close({ signal });
  await online.close();
  return signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.ok;
}
