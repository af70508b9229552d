import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import type { Connect, Connection } from './Connection.js';
import { connectWithCredentials } from './defaultConnect.js';
import { writePrivateFile } from './writePrivateFile.js';

/** The room and worker name of the system `trainwire up` runs. */
export const EMBEDDED = { room: 'local', worker: 'local-worker' } as const;

/** What a running `trainwire up` leaves in its data directory so other commands can join it. */
const UpFileSchema = z.object({
  url: z.string().startsWith('ws'),
  room: z.string().min(1),
  token: z.string().min(1),
  worker: z.string().min(1),
  pid: z.number().int().positive(),
});

/** The file a running `up` describes itself in: `DIR/up.json`, readable by its user only. */
export function upFilePath(dataDir: string): string {
  return join(dataDir, 'up.json');
}

/** Writes the running `up`'s address and client token (0600); `remove` when it stops. */
export async function writeUpFile(
  dataDir: string,
  up: Omit<z.infer<typeof UpFileSchema>, 'pid'>,
): Promise<{ remove(): Promise<void> }> {
  const path = upFilePath(dataDir);
  await writePrivateFile(path, `${JSON.stringify({ ...up, pid: process.pid })}\n`);
  return { remove: () => rm(path, { force: true }) };
}

/** The running `up` of `dataDir`: its file, when one is there and its process lives. */
async function runningUp(dataDir: string): Promise<z.infer<typeof UpFileSchema> | undefined> {
  let text: string;
  try {
    text = await readFile(upFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  let parsed: ReturnType<typeof UpFileSchema.safeParse>;
  try {
    parsed = UpFileSchema.safeParse(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (!parsed.success || !alive(parsed.data.pid)) return undefined;
  return parsed.data;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it lives, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `--data-dir DIR` on a command that talks to a worker: the embedded worker of
 * `trainwire up --data-dir DIR`. A running `up` there is joined over its own signaling
 * server (as any client would); without one, the worker's store in `DIR/worker` is opened
 * in this process and served over the in-memory transport for this one command — what it
 * starts runs only while the command does.
 */
export function embeddedConnect(dataDir: string, io: Io): Connect {
  const dir = resolve(dataDir);
  return async (options) => {
    if (options.worker !== undefined && options.worker !== EMBEDDED.worker)
      throw new UsageError(
        `--data-dir ${dir} names the embedded worker "${EMBEDDED.worker}"; drop --worker ${options.worker}, or drop --data-dir to reach a worker of your room`,
      );
    const up = await runningUp(dir);
    if (up !== undefined)
      return connectWithCredentials(
        { signalingUrl: up.url, room: up.room, credential: up.token, role: 'client' },
        { worker: up.worker },
        io,
      );
    return openInProcess(dir);
  };
}

async function openInProcess(dir: string): Promise<Connection> {
  const [{ createWorker }, { createMemoryTransportPair }] = await Promise.all([
    import('@trainwire/worker'),
    import('@trainwire/core/testing'),
  ]);
  // A running `up` of an older version holds the lock without an up.json: the worker's
  // data_dir_in_use names its pid.
  const worker = await createWorker({ dataDir: join(dir, 'worker'), name: EMBEDDED.worker });
  const [client, server] = createMemoryTransportPair();
  worker.accept(server);
  await Promise.all([client.connect(), server.connect()]);
  return {
    transport: client,
    worker: worker.info(),
    close: async () => {
      await client.close();
      await worker.close();
    },
  };
}
