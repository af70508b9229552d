import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerInfo } from '@trainwire/core';
import { afterAll, beforeAll } from 'vitest';
import { WebSocket } from 'ws';
import {
  createSignalingServer,
  type SharedSignalingServer,
  type SignalingServer,
  type SignalingServerOptions,
} from '../createSignalingServer.js';
import { SignalingClient, type SignalingClientOptions } from '../SignalingClient.js';
import type { SignalingLogEntry } from '../SignalingLogEntry.js';
import { type RedisServer, startRedis } from './redisServer.js';

/**
 * A real signaling server on a loopback port, with a temp data dir; `dispose` cleans up.
 * What it logs is kept in `logs` (unless a `logger` is given).
 */
export async function startServer(options: SignalingServerOptions = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tw-signal-'));
  const logs: SignalingLogEntry[] = [];
  const server = await createSignalingServer({
    host: '127.0.0.1',
    logger: (entry) => logs.push(entry),
    ...options,
    dataDir,
  });
  const clients: SignalingClient[] = [];
  return {
    server,
    dataDir,
    logs,
    /** A signaling client that is closed by `dispose`. */
    client(opts: Omit<SignalingClientOptions, 'url'> & { url?: string }) {
      const client = new SignalingClient({ url: server.url, ...opts });
      clients.push(client);
      return client;
    },
    async dispose(keepData = false) {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A raw WebSocket that collects every server message, for protocol-level tests.
 * `localAddress` (any 127.x.y.z on Linux) makes it come from another loopback address.
 */
export async function rawSocket(url: string, options: { localAddress?: string } = {}) {
  const ws = new WebSocket(url, options);
  const inbox: Record<string, unknown>[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    inbox.push(JSON.parse(String(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    inbox,
    /** The close code and reason, once the connection is closed. */
    closed,
    send: (message: unknown) =>
      ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    /** Resolves with the first message (from the start) matching `predicate`, removing it. */
    async next(predicate: (m: Record<string, unknown>) => boolean = () => true) {
      for (;;) {
        const index = inbox.findIndex(predicate);
        if (index >= 0) return inbox.splice(index, 1)[0]!;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

export function workerInfo(name: string, gpuMemoryMiB: number | null): WorkerInfo {
  return {
    id: name,
    name,
    gpu: gpuMemoryMiB === null ? null : { name: `GPU ${gpuMemoryMiB}`, memoryMiB: gpuMemoryMiB },
    cpu: { model: 'test cpu', cores: 4 },
    ramMiB: 16_384,
    status: 'available',
    versions: {},
    capabilities: [],
    tags: ['test'],
  };
}

/** Registers over a fresh raw socket; resolves with the answer and how the server closed. */
export async function registerRaw(
  url: string,
  message: Record<string, unknown>,
  options: { localAddress?: string } = {},
) {
  const raw = await rawSocket(url, options);
  raw.send({ v: 1, type: 'register', ...message });
  const answer = await raw.next((m) => m.type === 'registered' || m.type === 'error');
  if (answer.type === 'registered') raw.ws.close();
  return { answer, close: await raw.closed };
}

/** The stores a signaling test runs against: one instance's own, or a shared Redis. */
export type StoreUnderTest = 'in-process' | 'redis';
/** The stores every store-agnostic signaling test runs against (`describe.each`). */
export const STORES: StoreUnderTest[] = ['in-process', 'redis'];

/** A server on either store, with what the tests use of it. */
export interface StartedOn {
  server: SignalingServer | SharedSignalingServer;
  client(opts: Omit<SignalingClientOptions, 'url'> & { url?: string }): SignalingClient;
  /** Another server on the same store: the same data dir, or the same Redis prefix. */
  restart(): Promise<SignalingServer | SharedSignalingServer>;
  dispose(): Promise<void>;
}

let prefixes = 0;

/**
 * Inside a `describe` for `store`: starts a real redis-server for it (a free loopback
 * port, no persistence) when `store` is `redis`, and returns how to start a server on it.
 */
export function serversOn(store: StoreUnderTest) {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    if (store === 'redis') redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return async (options: Partial<SignalingServerOptions> = {}): Promise<StartedOn> => {
    if (store === 'in-process') {
      const started = await startServer(options as SignalingServerOptions);
      return {
        ...started,
        restart: () => createSignalingServer({ dataDir: started.dataDir, logger: () => undefined }),
      };
    }
    const shared = { redis: redis!.url, redisPrefix: `signal-test-${++prefixes}:` };
    const server = await createSignalingServer({
      host: '127.0.0.1',
      logger: () => undefined,
      ...(options as object),
      ...shared,
    });
    const clients: SignalingClient[] = [];
    return {
      server,
      client(opts) {
        const client = new SignalingClient({ url: server.url, ...opts });
        clients.push(client);
        return client;
      },
      restart: () => createSignalingServer({ ...shared, logger: () => undefined }),
      async dispose() {
        await Promise.all(clients.map((c) => c.close()));
        await server.close();
      },
    };
  };
}
