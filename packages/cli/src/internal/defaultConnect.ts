import { hostname } from 'node:os';
import type { SignalingClient } from '@trainwire/transport-webrtc';
import { ConnectionError, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { asConnectionError } from './asConnectionError.js';
import { requireValue } from './ask.js';
import type { Connect, Connection, ConnectOptions } from './Connection.js';
import {
  type Credentials,
  CredentialsSchema,
  credentialsPath,
  readCredentials,
} from './credentials.js';

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
  const webrtc = await import('@trainwire/transport-webrtc');
  return webrtc.joinRoom(credentials, name).catch(asConnectionError);
}

/** The default connection: the signaling server of the stored credentials, then WebRTC. */
export function defaultConnect(io: Io): Connect {
  return async (options) => connectWithCredentials(await credentialsFrom(io), options, io);
}

/**
 * Joins the room as a client, picks the worker (by name or peer id, by `--auto-select`,
 * the only one, or by asking), and opens a WebRTC connection to it (transport-webrtc's
 * `connectWithCredentials`; the question is this command's).
 */
export async function connectWithCredentials(
  credentials: Credentials,
  options: ConnectOptions,
  io: Io,
): Promise<Connection> {
  const webrtc = await import('@trainwire/transport-webrtc');
  return webrtc
    .connectWithCredentials(credentials, {
      ...options,
      clientName: `cli@${hostname()}`,
      pickWorker: (workers) =>
        requireValue(
          io,
          undefined,
          'worker',
          'Which worker?',
          workers.map((w) => ({
            name: `${w.name} — ${w.gpuModel ?? 'GPU: Not detected'} ${w.gpuMemoryMiB ? `(${w.gpuMemoryMiB} MiB)` : ''} — ${w.status} — key ${w.keyId}`,
            value: w.id,
          })),
        ),
    })
    .catch(asConnectionError);
}

/** The names of the workers online in the stored credentials' room. */
export function defaultListWorkers(io: Io): () => Promise<string[]> {
  return async () => {
    const signaling = await joinRoom(await credentialsFrom(io), 'cli (list)');
    try {
      const webrtc = await import('@trainwire/transport-webrtc');
      return (await webrtc.listRoomWorkers(signaling)).map((worker) => worker.name);
    } finally {
      await signaling.close();
    }
  };
}
