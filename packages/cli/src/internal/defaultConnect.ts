import { hostname } from 'node:os';
import { isTrainwireError, type WorkerInfo } from '@trainwire/core';
import type { SignalingClient } from '@trainwire/transport-webrtc';
import { ConnectionError, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { requireValue } from './ask.js';
import type { Connect, Connection, ConnectOptions } from './Connection.js';
import {
  type Credentials,
  CredentialsSchema,
  credentialsPath,
  readCredentials,
} from './credentials.js';

/** How long closing a connection may take before the command goes on without it. */
const CLOSE_DEADLINE_MS = 3_000;

/** Runs `work`, but resolves after `ms` at the latest (closing must never hang a command). */
async function withinMs(ms: number, work: () => Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    work().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** True for a signaling server on this machine: then WebRTC stays on the loopback interface. */
export function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

const VARIABLES = {
  signalingUrl: 'TRAINWIRE_URL',
  room: 'TRAINWIRE_ROOM',
  credential: 'TRAINWIRE_TOKEN',
} as const;

/**
 * Credentials from `trainwire login`, with TRAINWIRE_URL / TRAINWIRE_ROOM / TRAINWIRE_TOKEN
 * overriding its fields one by one (so `TRAINWIRE_ROOM=other trainwire jobs` works). Without
 * a stored login the variables must all be set; the error names the missing ones.
 */
export async function credentialsFrom(io: Io): Promise<Credentials> {
  const fromEnv = {
    signalingUrl: io.env.TRAINWIRE_URL,
    room: io.env.TRAINWIRE_ROOM,
    credential: io.env.TRAINWIRE_TOKEN,
  };
  const given = (Object.keys(VARIABLES) as Array<keyof typeof VARIABLES>).filter(
    (field) => fromEnv[field] !== undefined,
  );
  const stored = given.length === 3 ? undefined : await readCredentials(credentialsPath(io.env));
  if (stored === undefined && given.length === 0) {
    throw new ConnectionError(
      'not logged in: run `trainwire login --url ws://HOST:PORT --room ROOM --token TOKEN` (or set TRAINWIRE_URL, TRAINWIRE_ROOM and TRAINWIRE_TOKEN)',
    );
  }
  if (stored === undefined && given.length < 3) {
    const missing = (Object.keys(VARIABLES) as Array<keyof typeof VARIABLES>)
      .filter((field) => fromEnv[field] === undefined)
      .map((field) => VARIABLES[field]);
    throw new UsageError(
      `${given.map((field) => VARIABLES[field]).join(' and ')} ${given.length === 1 ? 'is' : 'are'} set but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not, and there is no stored login to take ${missing.length === 1 ? 'it' : 'them'} from: set ${missing.join(' and ')} too, or run \`trainwire login\``,
    );
  }
  if (given.length === 0) return stored!;
  // The same rules as `trainwire login`, each problem named by its variable.
  const parsed = CredentialsSchema.safeParse({
    signalingUrl: fromEnv.signalingUrl ?? stored?.signalingUrl,
    room: fromEnv.room ?? stored?.room,
    credential: fromEnv.credential ?? stored?.credential,
    role: fromEnv.credential !== undefined ? 'client' : (stored?.role ?? 'client'),
  });
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path[0];
  if (field === 'signalingUrl')
    throw new UsageError(
      `TRAINWIRE_URL must be a ws:// or wss:// URL; got "${fromEnv.signalingUrl}"`,
    );
  if (field === 'room')
    throw new UsageError(`TRAINWIRE_ROOM must be 1 to 64 characters; got "${fromEnv.room}"`);
  throw new UsageError(
    `TRAINWIRE_TOKEN must be 8 to 512 characters (a room token from \`trainwire keys create\`); it has ${fromEnv.credential?.length ?? 0}`,
  );
}

/** Joins the credentials' room as a client; a refusal or an unreachable server is exit 3. */
export async function joinRoom(credentials: Credentials, name: string): Promise<SignalingClient> {
  const { SignalingClient } = await import('@trainwire/transport-webrtc');
  const signaling = new SignalingClient({
    url: credentials.signalingUrl,
    room: credentials.room,
    role: 'client',
    credential: credentials.credential,
    name,
  });
  try {
    await signaling.connect();
    return signaling;
  } catch (error) {
    await signaling.close().catch(() => undefined);
    throw new ConnectionError(
      `cannot join room ${credentials.room} at ${credentials.signalingUrl}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The default connection: the signaling server of the stored credentials, then WebRTC. */
export function defaultConnect(io: Io): Connect {
  return async (options) => connectWithCredentials(await credentialsFrom(io), options, io);
}

/**
 * Joins the room as a client, picks the worker (by name or peer id, by `--auto-select`,
 * the only one, or by asking), and opens a WebRTC connection to it.
 */
export async function connectWithCredentials(
  credentials: Credentials,
  options: ConnectOptions,
  io: Io,
): Promise<Connection> {
  const webrtc = await import('@trainwire/transport-webrtc');
  const signaling = await joinRoom(credentials, `cli@${hostname()}`);
  try {
    const workers = await webrtc.listWorkers(
      signaling,
      options.keyId === undefined ? {} : { keyId: options.keyId },
    );
    const names =
      workers
        .map((w) => `${w.name} (${w.gpuModel ?? 'no GPU'}, ${w.status}, key ${w.keyId})`)
        .join(', ') ||
      (options.keyId === undefined ? 'none online' : `none with key ${options.keyId}`);
    let chosen: (typeof workers)[number] | undefined;
    if (options.worker !== undefined) {
      chosen = workers.find((w) => w.name === options.worker || w.peerId === options.worker);
      if (chosen === undefined)
        throw new ConnectionError(
          `worker ${options.worker} is not online in room ${credentials.room}; online: ${names}`,
        );
    } else if (options.autoSelect === true || options.minGpuMemoryMiB !== undefined) {
      chosen = webrtc.autoSelect(
        workers,
        options.minGpuMemoryMiB === undefined ? {} : { minGpuMemoryMiB: options.minGpuMemoryMiB },
      );
      if (chosen === undefined) {
        throw new ConnectionError(
          `no available worker with at least ${options.minGpuMemoryMiB ?? 0} MiB of GPU memory in room ${credentials.room}; online: ${names}`,
        );
      }
    } else if (workers.length === 1) {
      chosen = workers[0];
    } else {
      if (workers.length === 0)
        throw new ConnectionError(
          options.keyId === undefined
            ? `no worker is online in room ${credentials.room}; start one with \`trainwire worker\``
            : `no worker registered with key ${options.keyId} is online in room ${credentials.room} (${names}); \`trainwire workers\` shows each worker's key`,
        );
      const picked = await requireValue(
        io,
        undefined,
        'worker',
        'Which worker?',
        workers.map((w) => ({
          name: `${w.name} — ${w.gpuModel ?? 'GPU: Not detected'} ${w.gpuMemoryMiB ? `(${w.gpuMemoryMiB} MiB)` : ''} — ${w.status} — key ${w.keyId}`,
          value: w.peerId,
        })),
      );
      chosen = workers.find((w) => w.peerId === picked);
    }
    if (chosen === undefined) throw new UsageError('no worker chosen');
    const transport = await webrtc.connectToWorker({
      signaling,
      workerId: chosen.peerId,
      ...(options.keyId === undefined ? {} : { keyId: options.keyId }),
      rtc: { loopbackOnly: isLocalUrl(credentials.signalingUrl) },
    });
    const worker: WorkerInfo = chosen.info ?? {
      id: chosen.peerId,
      name: chosen.name,
      gpu: null,
      cpu: { model: 'unknown', cores: 1 },
      ramMiB: 0,
      status: chosen.status,
      versions: {},
      capabilities: [],
      tags: [],
    };
    return {
      transport,
      worker,
      ...(chosen.keyId ? { keyId: chosen.keyId } : {}),
      // Bounded: over a broken link a goodbye may never be answered.
      close: () =>
        withinMs(CLOSE_DEADLINE_MS, async () => {
          await transport.close();
          await signaling.close();
        }),
    };
  } catch (error) {
    await signaling.close().catch(() => undefined);
    if (isTrainwireError(error) && !(error instanceof UsageError)) {
      throw error instanceof ConnectionError
        ? error
        : new ConnectionError(error.message, { cause: error });
    }
    throw error;
  }
}
