import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Room } from '@trainwire/core';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { WebSocketServer } from 'ws';
import { TransportWebrtcError } from './errors.js';
import { AuthLimiter, DEFAULT_AUTH_LIMIT } from './internal/AuthLimiter.js';
import { handleHttp } from './internal/httpApi.js';
import { SignalingHub, type SignalingStats } from './internal/SignalingHub.js';
import { LocalSignalingBackend } from './LocalSignalingBackend.js';
import type { SignalingBackend } from './SignalingBackend.js';
import type { SignalingLogEntry, SignalingLogger } from './SignalingLogEntry.js';
import { type CredentialKind, type IssuedCredential, SignalingStore } from './SignalingStore.js';
import { MAX_SIGNALING_MESSAGE_BYTES } from './signalingMessages.js';

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
  /** Where heartbeats, eviction and auth backoff take their time from (RxJS `asyncScheduler`; tests: a `VirtualClock`). */
  scheduler?: SchedulerLike;
  /**
   * Backoff of failed authentication (registrations and admin requests), per remote
   * address and per credential id: `freeFailures` (5) are free, then each failure blocks
   * for `baseMs` (1 000) doubling up to `maxMs` (300 000); a blocked address or credential
   * is refused with `too_many_attempts` and `retryAfterMs`, even with a valid credential.
   * A success, or `resetAfterMs` (900 000) without a failure, starts afresh.
   */
  authLimit?: { freeFailures?: number; baseMs?: number; maxMs?: number; resetAfterMs?: number };
  /** Where refusals, blocks and revocations are logged (`console.warn` with a timestamp). */
  logger?: SignalingLogger;
  /**
   * The remote address of a connection or request, for the limiter and the log: the
   * socket's address by default. Behind a reverse proxy, read the proxy's header here
   * (e.g. the last `X-Forwarded-For` entry the proxy adds), or every client shares one.
   */
  addressOf?: (req: IncomingMessage) => string;
}

/** Options of a {@link createSignalingServer} that shares its store through Redis. */
export interface SharedSignalingServerOptions
  extends Omit<SignalingServerOptions, 'dataDir' | 'storePath' | 'store'> {
  /**
   * Keep rooms, credentials, presence and the relay in Redis (`redis://HOST:PORT`), so
   * that several instances serve one room (docs/scale-out.md). Without it: the
   * in-process store of one instance.
   */
  redis: string;
  /** Prefix of the Redis keys and channels (`trainwire:`): one Redis can serve several deployments. */
  redisPrefix?: string;
}

/** What every running signaling server has, whatever its store. */
export interface SignalingServerBase {
  /** `ws://host:port`: what peers connect to. */
  readonly url: string;
  /** `http://host:port`: the HTTP API (`GET /health`, rooms, credentials). */
  readonly httpUrl: string;
  readonly port: number;
  /** Its store, behind the one contract both kinds share. */
  readonly backend: SignalingBackend;
  /** Counters of this instance: connections, peers, bad messages, rate-limited, evicted, relayed. */
  stats(): SignalingStats;
  /** Withdraws its peers (their rooms see them leave), stops listening, lets go of its store. */
  close(): Promise<void>;
}

/**
 * A signaling server that shares its store through Redis with other instances: the
 * operator methods are async, and any instance (or `trainwire rooms|keys --redis`) may
 * call them.
 */
export interface SharedSignalingServer extends SignalingServerBase {
  /** The Redis URL it was started with. */
  readonly redis: string;
  createRoom(id: string, name?: string): Promise<Room>;
  createCredential(room: string, kind: CredentialKind, label?: string): Promise<IssuedCredential>;
  /** Revokes a credential on every instance (see {@link SignalingServer.revokeCredential}). */
  revokeCredential(id: string): Promise<boolean>;
  deleteRoom(id: string): Promise<boolean>;
}

/** A running signaling server with its in-process store (one instance). */
export interface SignalingServer extends SignalingServerBase {
  readonly store: SignalingStore;
  /** Creates a room (operator). */
  createRoom(id: string, name?: string): void;
  /** Issues a room token or worker key (operator); its `secret` is shown once. */
  createCredential(room: string, kind: CredentialKind, label?: string): IssuedCredential;
  /**
   * Revokes a credential: the connections registered with it are closed
   * (`credential_revoked`), and its room is told (`revoked`) so that both ends close the
   * links its holder opened. `store.revokeCredential` does the same.
   */
  revokeCredential(id: string): boolean;
  /** Deletes a room, revoking its credentials and disconnecting its peers; false if unknown. */
  deleteRoom(id: string): boolean;
}

/**
 * Starts a signaling server: WebSocket signaling (rooms, presence, relay, heartbeat) and
 * a small HTTP API on one port. Rooms and hashed credentials persist in a JSON store; with
 * `redis`, everything lives in Redis and any number of instances serve the same rooms.
 *
 * @example
 * ```ts
 * const server = await createSignalingServer({ port: 8787, dataDir: './signal-data' });
 * server.createRoom('lab');
 * const { secret } = server.createCredential('lab', 'worker-key', 'gpu-box-1');
 *
 * // Scaled out: start as many as needed, behind one load balancer.
 * const shared = await createSignalingServer({ port: 8788, redis: 'redis://127.0.0.1:6379' });
 * await shared.createRoom('lab');
 * ```
 */
export async function createSignalingServer(
  options: SharedSignalingServerOptions,
): Promise<SharedSignalingServer>;
export async function createSignalingServer(
  options?: SignalingServerOptions,
): Promise<SignalingServer>;
export async function createSignalingServer(
  options: SignalingServerOptions & Partial<SharedSignalingServerOptions> = {},
): Promise<SignalingServer | SharedSignalingServer> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const evictAfterMs = options.evictAfterMs ?? heartbeatMs * 3;
  const scheduler = options.scheduler ?? asyncScheduler;
  let store: SignalingStore | undefined;
  let backend: SignalingBackend;
  if (options.redis !== undefined) {
    const { RedisSignalingBackend } = await import('./RedisSignalingBackend.js');
    backend = await RedisSignalingBackend.connect(options.redis, {
      prefix: options.redisPrefix,
      // Renewed every heartbeat; lapsed, the others expire its peers within evictAfterMs.
      leaseMs: Math.max(heartbeatMs * 1.5, evictAfterMs - heartbeatMs),
      now: () => scheduler.now(),
    });
  } else {
    store =
      options.store ??
      SignalingStore.open(
        options.storePath ??
          (options.dataDir !== undefined ? join(options.dataDir, 'signaling.json') : undefined) ??
          fail(),
      );
    backend = new LocalSignalingBackend(store);
  }
  try {
    return await serve(options, backend, store, { heartbeatMs, evictAfterMs, scheduler });
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
}

async function serve(
  options: SignalingServerOptions & Partial<SharedSignalingServerOptions>,
  backend: SignalingBackend,
  store: SignalingStore | undefined,
  timing: { heartbeatMs: number; evictAfterMs: number; scheduler: SchedulerLike },
): Promise<SignalingServer | SharedSignalingServer> {
  const { heartbeatMs, evictAfterMs, scheduler } = timing;
  const maxMessageBytes = options.maxMessageBytes ?? MAX_SIGNALING_MESSAGE_BYTES;
  const logger = options.logger ?? consoleLogger;
  const log = (entry: Omit<SignalingLogEntry, 'at'>) => logger({ at: scheduler.now(), ...entry });
  const limiter = new AuthLimiter({ ...DEFAULT_AUTH_LIMIT, ...options.authLimit }, () =>
    scheduler.now(),
  );
  const addressOf = options.addressOf ?? ((req) => req.socket.remoteAddress ?? 'unknown');
  const hub = new SignalingHub({
    store: backend,
    secret: await backend.serverSecret(),
    heartbeatMs,
    evictAfterMs,
    maxMessageBytes,
    rate: options.rateLimit ?? { perSecond: 50, burst: 100 },
    scheduler,
    limiter,
    log,
  });
  // However a credential is revoked (here, the admin API, the store, another instance),
  // the hub hears it from the backend and ends what it opened.
  const api = {
    createCredential: (room: string, kind: CredentialKind, label?: string) =>
      backend.createCredential(room, kind, label),
    revokeCredential: (id: string) => backend.revokeCredential(id),
    deleteRoom: async (id: string) => (await backend.deleteRoom(id)) !== undefined,
  };
  const context = {
    store: backend,
    hub,
    adminToken: options.adminToken,
    api,
    limiter,
    log,
    addressOf,
  };
  const http = createServer((req, res) => {
    handleHttp(req, res, context).catch(() => {
      if (!res.headersSent)
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"error":"internal_error"}');
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
    await hub.close();
    const code = (cause as { code?: string }).code;
    const message =
      code === 'EADDRINUSE'
        ? `port ${wantedPort} on ${wantedHost} is in use; stop the other server or use port 0 for a free one`
        : `cannot listen on port ${wantedPort} on ${wantedHost} (${String(cause)}); check host and port`;
    throw new TransportWebrtcError('bad_config', message, { cause });
  }
  const wss = new WebSocketServer({ server: http, maxPayload: maxMessageBytes * 4 });
  wss.on('connection', (ws, req) => hub.attach(ws, addressOf(req)));
  const { port, address, family } = http.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  const base: SignalingServerBase = {
    url: `ws://${host}:${port}`,
    httpUrl: `http://${host}:${port}`,
    port,
    backend,
    stats: () => ({ ...hub.stats }),
    close: () =>
      (closing ??= (async () => {
        await hub.close();
        wss.close();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
        await backend.close();
      })()),
  };
  if (store === undefined) {
    return {
      ...base,
      redis: options.redis!,
      createRoom: (id: string, name?: string) => backend.createRoom({ id, name }),
      ...api,
    } satisfies SharedSignalingServer;
  }
  const local = store;
  return {
    ...base,
    store: local,
    createRoom: (id: string, name?: string) => void local.createRoom({ id, name }),
    createCredential: (room: string, kind: CredentialKind, label?: string) =>
      local.createCredential(room, kind, label),
    revokeCredential: (id: string) => local.revokeCredential(id),
    deleteRoom: (id: string) => local.deleteRoom(id) !== undefined,
  } satisfies SignalingServer;
}

function fail(): never {
  throw new TransportWebrtcError(
    'bad_config',
    'createSignalingServer needs dataDir, storePath or store: where rooms and keys are kept',
  );
}

function consoleLogger(entry: SignalingLogEntry): void {
  console.warn(`${new Date(entry.at).toISOString()} trainwire signal: ${entry.message}`);
}
