import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { RoomSchema } from '@trainwire/core';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { TransportWebrtcError } from './errors.js';
import { describeInvalid } from './internal/describeInvalid.js';
import { SignalingHub, type SignalingStats } from './internal/SignalingHub.js';
import { type CredentialKind, type IssuedCredential, SignalingStore } from './SignalingStore.js';
import { MAX_SIGNALING_MESSAGE_BYTES, SIGNALING_VERSION } from './signalingMessages.js';

/** Options of {@link createSignalingServer}. */
export interface SignalingServerOptions {
  /** Address to listen on; `127.0.0.1` by default. */
  host?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /** Folder of the store file (`signaling.json`); or give `storePath` or `store`. */
  dataDir?: string;
  storePath?: string;
  store?: SignalingStore;
  /** Interval of server pings, ms (15 000 by default). */
  heartbeatMs?: number;
  /** A peer silent this long is evicted, ms (3 × heartbeatMs by default). */
  evictAfterMs?: number;
  /** Bearer token of the HTTP admin API (`/rooms`, `/credentials`); disabled when absent. */
  adminToken?: string;
  /** Per-connection rate limit (50 messages/s, bursts of 100 by default). */
  rateLimit?: { perSecond: number; burst: number };
  /** Largest inbound message in bytes (64 KiB by default). */
  maxMessageBytes?: number;
  /** Where heartbeats and eviction take their time from (RxJS `asyncScheduler`; tests: a `VirtualClock`). */
  scheduler?: SchedulerLike;
}

/** A running signaling server. */
export interface SignalingServer {
  /** `ws://host:port`: what peers connect to. */
  readonly url: string;
  /** `http://host:port`: the HTTP API (`GET /health`, rooms, credentials). */
  readonly httpUrl: string;
  readonly port: number;
  readonly store: SignalingStore;
  /** Counters: connections, peers, bad messages, rate-limited, evicted, relayed. */
  stats(): SignalingStats;
  /** Creates a room (operator). */
  createRoom(id: string, name?: string): void;
  /** Issues a room token or worker key (operator); its `secret` is shown once. */
  createCredential(room: string, kind: CredentialKind, label?: string): IssuedCredential;
  /** Revokes a credential and disconnects the peers using it. */
  revokeCredential(id: string): boolean;
  /** Deletes a room, revoking its credentials and disconnecting its peers; false if unknown. */
  deleteRoom(id: string): boolean;
  close(): Promise<void>;
}

const RoomBody = RoomSchema.pick({ id: true, name: true });
const CredentialBody = z.object({
  kind: z.enum(['room-token', 'worker-key'], { error: 'must be room-token or worker-key' }),
  label: z.string().max(128).optional(),
});

/**
 * Starts a signaling server: WebSocket signaling (rooms, presence, relay, heartbeat) and
 * a small HTTP API on one port. Rooms and hashed credentials persist in a JSON store.
 *
 * @example
 * ```ts
 * const server = await createSignalingServer({ port: 8787, dataDir: './signal-data' });
 * server.createRoom('lab');
 * const { secret } = server.createCredential('lab', 'worker-key', 'gpu-box-1');
 * ```
 */
export async function createSignalingServer(
  options: SignalingServerOptions = {},
): Promise<SignalingServer> {
  const store =
    options.store ??
    SignalingStore.open(
      options.storePath ??
        (options.dataDir !== undefined ? join(options.dataDir, 'signaling.json') : undefined) ??
        fail(),
    );
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxMessageBytes = options.maxMessageBytes ?? MAX_SIGNALING_MESSAGE_BYTES;
  const hub = new SignalingHub({
    store,
    secret: store.serverSecret(),
    heartbeatMs,
    evictAfterMs: options.evictAfterMs ?? heartbeatMs * 3,
    maxMessageBytes,
    rate: options.rateLimit ?? { perSecond: 50, burst: 100 },
    scheduler: options.scheduler ?? asyncScheduler,
  });
  const api = {
    createRoom: (id: string, name?: string) => void store.createRoom({ id, name }),
    createCredential: (room: string, kind: CredentialKind, label?: string) =>
      store.createCredential(room, kind, label),
    revokeCredential: (id: string) => {
      const found = store.revokeCredential(id);
      if (found) hub.kickCredential(id);
      return found;
    },
    deleteRoom: (id: string) => {
      const revoked = store.deleteRoom(id);
      for (const credential of revoked ?? []) hub.kickCredential(credential);
      return revoked !== undefined;
    },
  };
  const http = createServer((req, res) => {
    handleHttp(req, res, { store, hub, adminToken: options.adminToken, api }).catch(() => {
      if (!res.headersSent) reply(res, 500, { error: 'internal_error' });
    });
  });
  const wantedPort = options.port ?? 0;
  const wantedHost = options.host ?? '127.0.0.1';
  // Listen before the WebSocket server attaches: it re-emits the server's errors, and a
  // port in use would then crash the process instead of rejecting here.
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(wantedPort, wantedHost, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (cause) {
    hub.close();
    const code = (cause as { code?: string }).code;
    const message =
      code === 'EADDRINUSE'
        ? `port ${wantedPort} on ${wantedHost} is in use; stop the other server or use port 0 for a free one`
        : `cannot listen on port ${wantedPort} on ${wantedHost} (${String(cause)}); check host and port`;
    throw new TransportWebrtcError('bad_config', message, { cause });
  }
  const wss = new WebSocketServer({ server: http, maxPayload: maxMessageBytes * 4 });
  wss.on('connection', (ws) => hub.attach(ws));
  const { port, address, family } = http.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  return {
    url: `ws://${host}:${port}`,
    httpUrl: `http://${host}:${port}`,
    port,
    store,
    stats: () => ({ ...hub.stats }),
    ...api,
    close: async () => {
      hub.close();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function fail(): never {
  throw new TransportWebrtcError(
    'bad_config',
    'createSignalingServer needs dataDir, storePath or store: where rooms and keys are kept',
  );
}

interface HttpContext {
  store: SignalingStore;
  hub: SignalingHub;
  adminToken: string | undefined;
  api: Pick<SignalingServer, 'createCredential' | 'revokeCredential' | 'deleteRoom'>;
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: HttpContext) {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/health') {
    const { peers, connections } = ctx.hub.stats;
    return reply(res, 200, { ok: true, signalingVersion: SIGNALING_VERSION, peers, connections });
  }
  if (ctx.adminToken === undefined)
    return reply(res, 404, { error: 'not_found', message: 'admin API disabled (no adminToken)' });
  if (!sameSecret(req.headers.authorization ?? '', `Bearer ${ctx.adminToken}`))
    return reply(res, 401, {
      error: 'auth_failed',
      message: 'send Authorization: Bearer <adminToken>',
    });
  let parts: string[];
  try {
    parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return reply(res, 400, {
      error: 'bad_message',
      message: `path ${url.pathname} has a bad %-escape; encode ids with encodeURIComponent`,
    });
  }
  const body = req.method === 'POST' ? await readJson(req) : undefined;
  if (req.method === 'GET' && parts.length === 1 && parts[0] === 'rooms') {
    const rooms = ctx.store.listRooms().map((room) => {
      const online = ctx.hub.online(room.id);
      const workers = online.filter((p) => p.role === 'worker').length;
      return { ...room, workers, clients: online.length - workers };
    });
    return reply(res, 200, { rooms });
  }
  if (req.method === 'POST' && parts.length === 1 && parts[0] === 'rooms') {
    const parsed = RoomBody.safeParse(body);
    if (!parsed.success) return badBody(res, 'room', body, parsed.error);
    return reply(res, 201, ctx.store.createRoom(parsed.data));
  }
  if (req.method === 'DELETE' && parts[0] === 'rooms' && parts.length === 2) {
    const found = ctx.api.deleteRoom(parts[1]!);
    return reply(
      res,
      found ? 200 : 404,
      found ? { deleted: parts[1] } : { error: 'room_not_found' },
    );
  }
  if (parts[0] === 'rooms' && parts.length === 3 && parts[2] === 'credentials') {
    const room = parts[1]!;
    if (!ctx.store.getRoom(room)) return reply(res, 404, { error: 'room_not_found' });
    if (req.method === 'GET')
      return reply(res, 200, { credentials: ctx.store.listCredentials(room) });
    if (req.method !== 'POST') {
      const message = 'GET lists the credentials of a room, POST issues one';
      return reply(res, 400, { error: 'bad_message', message });
    }
    const parsed = CredentialBody.safeParse(body);
    if (!parsed.success) return badBody(res, 'credential', body, parsed.error);
    return reply(res, 201, ctx.api.createCredential(room, parsed.data.kind, parsed.data.label));
  }
  if (req.method === 'DELETE' && parts[0] === 'credentials' && parts.length === 2) {
    const found = ctx.api.revokeCredential(parts[1]!);
    return reply(res, found ? 200 : 404, { revoked: found });
  }
  return reply(res, 404, { error: 'not_found' });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 16 * 1024) return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Constant-time comparison, so the admin token cannot be guessed byte by byte. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** 400 with a message that names each bad field of the body. */
function badBody(res: ServerResponse, what: string, body: unknown, error: z.ZodError): void {
  const message =
    body === undefined
      ? `send the ${what} as a JSON body of at most 16 KiB`
      : describeInvalid(what, error);
  reply(res, 400, { error: 'bad_message', message });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
