import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RoomSchema } from '@trainwire/core';
import type { SignalingBackend } from '@trainwire/transport-webrtc';
import { ConnectionError, ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { intFlag, type ParsedArgs, stringFlag } from '../internal/args.js';
import {
  adminRequest,
  isNotFoundReply,
  newAdminToken,
  openRedisStore,
  redisUrlFlag,
  runningServer,
  writeAdminFile,
} from '../internal/signalAdmin.js';

function dataDirOf(args: ParsedArgs): string {
  return resolve(stringFlag(args, 'data-dir') ?? '.trainwire/signal');
}

/**
 * `trainwire signal`: runs a signaling server until Ctrl-C; rooms and keys persist in its
 * data dir, or with `--redis URL` in Redis, shared with every other instance started so.
 */
export async function signalCommand(args: ParsedArgs, io: Io): Promise<number> {
  const dataDir = dataDirOf(args);
  const redis = await redisUrlFlag(stringFlag(args, 'redis'));
  const host = stringFlag(args, 'host') ?? '127.0.0.1';
  const port = intFlag(args, 'port', 0, 65535) ?? 8765;
  // The data dir still holds this instance's admin file, for `rooms` and `keys` without --redis.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const { createSignalingServer } = await import('@trainwire/transport-webrtc');
  const adminToken = newAdminToken();
  const server =
    redis === undefined
      ? await createSignalingServer({ host, port, dataDir, adminToken })
      : await createSignalingServer({ host, port, redis, adminToken }).catch((error: unknown) => {
          if ((error as { code?: string }).code !== 'store_unavailable') throw error;
          throw new ConnectionError(
            `cannot reach Redis at ${redis}; check --redis and that Redis runs and accepts connections from here`,
            { cause: error },
          );
        });
  const file = await writeAdminFile(dataDir, server, adminToken);
  const where = redis === undefined ? `data in ${dataDir}` : `rooms and keys in Redis at ${redis}`;
  const manage = redis === undefined ? `--data-dir ${dataDir}` : `--redis ${redis}`;
  if (args.values.json === true)
    io.stdout.write(
      `${JSON.stringify({ url: server.url, httpUrl: server.httpUrl, dataDir, ...(redis === undefined ? {} : { redis }) })}\n`,
    );
  else {
    io.stdout.write(`Signaling server on ${server.url} (${where}). Ctrl-C to stop.\n`);
    io.stdout.write(
      `Create a room and keys: trainwire rooms create lab ${manage}; trainwire keys create --room lab --kind worker-key ${manage}\n`,
    );
  }
  await new Promise<void>((done) => {
    const remove = io.onInterrupt(() => {
      remove();
      done();
    });
  });
  await file.remove();
  await server.close();
  return ExitCode.ok;
}

/** A room name checked against core's room id rule; `what` names where it came from. */
function roomName(name: string, what: string): string {
  if (RoomSchema.shape.id.safeParse(name).success) return name;
  throw new UsageError(
    `${what} must be 1 to 64 letters, digits, ".", "_" or "-" (no spaces); got "${name}"`,
  );
}

/**
 * Runs an operator command: with `--redis`, straight on the shared store; else through the
 * server running on the data dir (its admin API), or on its store file when none runs.
 */
async function withStore<T>(
  args: ParsedArgs,
  viaApi: (server: { httpUrl: string; adminToken: string }) => Promise<T>,
  direct: (store: SignalingBackend) => Promise<T>,
): Promise<T> {
  const redis = await redisUrlFlag(stringFlag(args, 'redis'));
  if (redis !== undefined) {
    const store = await openRedisStore(redis);
    try {
      return await direct(store);
    } finally {
      await store.close();
    }
  }
  const dataDir = dataDirOf(args);
  const server = await runningServer(dataDir);
  if (server !== undefined) return viaApi(server);
  const { LocalSignalingBackend, SignalingStore } = await import('@trainwire/transport-webrtc');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const store = new LocalSignalingBackend(SignalingStore.open(resolve(dataDir, 'signaling.json')));
  try {
    return await direct(store);
  } finally {
    await store.close();
  }
}

/** `trainwire rooms create NAME | list | delete NAME`: the server's rooms (through a running server, or its store). */
export async function roomsCommand(args: ParsedArgs, io: Io): Promise<number> {
  const [action, given] = args.positionals;
  const json = args.values.json === true;
  const name = given === undefined || action === 'list' ? given : roomName(given, 'the room NAME');
  if (action === 'create') {
    if (name === undefined) throw new UsageError('missing NAME: trainwire rooms create NAME');
    const room = await withStore(
      args,
      (s) => adminRequest(s, 'POST', '/rooms', { id: name }),
      (store) => store.createRoom({ id: name }),
    );
    io.stdout.write(
      json
        ? `${JSON.stringify(room)}\n`
        : `Room ${name} is ready. Issue keys with \`trainwire keys create --room ${name}\`.\n`,
    );
    return ExitCode.ok;
  }
  if (action === 'list') {
    const rooms = await withStore(
      args,
      async (s) =>
        (
          (await adminRequest(s, 'GET', '/rooms')) as {
            rooms: Array<{ id: string; workers?: number; clients?: number }>;
          }
        ).rooms,
      async (store) => {
        const rooms = await store.listRooms();
        if (store.kind !== 'redis') return rooms;
        // The shared store knows who is online on every instance.
        return Promise.all(
          rooms.map(async (room) => {
            const online = await store.online(room.id);
            const workers = online.filter((p) => p.info.role === 'worker').length;
            return { ...room, workers, clients: online.length - workers };
          }),
        );
      },
    );
    for (const room of rooms)
      io.stdout.write(
        json
          ? `${JSON.stringify(room)}\n`
          : `${room.id}${room.workers === undefined ? '' : `  ${room.workers} worker(s), ${room.clients} client(s) online`}\n`,
      );
    if (!json && rooms.length === 0) io.stdout.write('No rooms yet: trainwire rooms create NAME\n');
    return ExitCode.ok;
  }
  if (action === 'delete') {
    if (name === undefined) throw new UsageError('missing NAME: trainwire rooms delete NAME');
    const deleted = await withStore(
      args,
      async (s) =>
        (
          (await adminRequest(s, 'DELETE', `/rooms/${encodeURIComponent(name)}`).catch(
            (error: unknown) => {
              // Only "no such room" means not deleted; auth, server and network errors say so.
              if (isNotFoundReply(error)) return { deleted: undefined };
              throw error;
            },
          )) as { deleted?: string }
        ).deleted !== undefined,
      async (store) => (await store.deleteRoom(name)) !== undefined,
    );
    if (!deleted) throw new UsageError(`no room ${name}; list them with \`trainwire rooms list\``);
    io.stdout.write(
      json
        ? `${JSON.stringify({ deleted: name })}\n`
        : `Deleted room ${name}; its keys are revoked and its peers disconnected.\n`,
    );
    return ExitCode.ok;
  }
  throw new UsageError(`rooms takes create NAME, list or delete NAME; got "${action ?? ''}"`);
}

/** `trainwire keys create --room R [--kind room-token|worker-key] | list --room R | revoke ID`. */
export async function keysCommand(args: ParsedArgs, io: Io): Promise<number> {
  const [action, id] = args.positionals;
  const json = args.values.json === true;
  const givenRoom = stringFlag(args, 'room');
  const room = givenRoom === undefined ? undefined : roomName(givenRoom, '--room');
  if (action === 'create') {
    if (room === undefined) throw new UsageError('missing --room: the room the key opens');
    const kind = stringFlag(args, 'kind') ?? 'room-token';
    if (kind !== 'room-token' && kind !== 'worker-key')
      throw new UsageError(`--kind must be room-token or worker-key; got "${kind}"`);
    const label = stringFlag(args, 'label') ?? '';
    const issued = (await withStore(
      args,
      (s) =>
        adminRequest(s, 'POST', `/rooms/${encodeURIComponent(room)}/credentials`, { kind, label }),
      async (store) => {
        if ((await store.getRoom(room)) === undefined)
          throw new UsageError(
            `no room ${room}; create it with \`trainwire rooms create ${room}\``,
          );
        return store.createCredential(room, kind, label);
      },
    )) as { id: string; secret: string };
    if (json) io.stdout.write(`${JSON.stringify(issued)}\n`);
    else
      io.stdout.write(
        `${kind} ${issued.id} for room ${room}:\n  ${issued.secret}\nIt is shown once; it is stored only as a hash.\n`,
      );
    return ExitCode.ok;
  }
  if (action === 'list') {
    if (room === undefined) throw new UsageError('missing --room: whose keys to list');
    const keys = (await withStore(
      args,
      async (s) =>
        (
          (await adminRequest(s, 'GET', `/rooms/${encodeURIComponent(room)}/credentials`)) as {
            credentials: unknown[];
          }
        ).credentials,
      (store) => store.listCredentials(room),
    )) as Array<{ id: string; kind: string; label: string; revokedAt?: number }>;
    for (const key of keys)
      io.stdout.write(
        json
          ? `${JSON.stringify(key)}\n`
          : `${key.id}  ${key.kind.padEnd(10)}  ${key.revokedAt === undefined ? 'active ' : 'revoked'}  ${key.label}\n`,
      );
    return ExitCode.ok;
  }
  if (action === 'revoke') {
    if (id === undefined)
      throw new UsageError(
        'missing ID: trainwire keys revoke ID (see trainwire keys list --room R)',
      );
    const revoked = await withStore(
      args,
      async (s) =>
        (
          (await adminRequest(s, 'DELETE', `/credentials/${encodeURIComponent(id)}`).catch(
            (error: unknown) => {
              if (isNotFoundReply(error)) return { revoked: false };
              throw error;
            },
          )) as { revoked: boolean }
        ).revoked,
      (store) => store.revokeCredential(id),
    );
    if (!revoked)
      throw new UsageError(`no key ${id}; list them with \`trainwire keys list --room ROOM\``);
    io.stdout.write(
      json
        ? `${JSON.stringify({ revoked: id })}\n`
        : `Revoked ${id}; peers using it were disconnected.\n`,
    );
    return ExitCode.ok;
  }
  throw new UsageError(`keys takes create, list or revoke; got "${action ?? ''}"`);
}
