import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerInfo } from '@trainwire/core';
import { WebSocket } from 'ws';
import { createSignalingServer, type SignalingServerOptions } from '../createSignalingServer.js';
import { SignalingClient, type SignalingClientOptions } from '../SignalingClient.js';

/** A real signaling server on a loopback port, with a temp data dir; `dispose` cleans up. */
export async function startServer(options: SignalingServerOptions = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tw-signal-'));
  const server = await createSignalingServer({ host: '127.0.0.1', ...options, dataDir });
  const clients: SignalingClient[] = [];
  return {
    server,
    dataDir,
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

/** A raw WebSocket that collects every server message, for protocol-level tests. */
export async function rawSocket(url: string) {
  const ws = new WebSocket(url);
  const inbox: Record<string, unknown>[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    inbox.push(JSON.parse(String(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    inbox,
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
