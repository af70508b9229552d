import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { describeSignalingBackend } from './__tests__/backendContract.js';
import { type RedisServer, startRedis } from './__tests__/redisServer.js';
import { LocalSignalingBackend } from './LocalSignalingBackend.js';
import { RedisSignalingBackend } from './RedisSignalingBackend.js';
import type { SignalingBackend } from './SignalingBackend.js';
import { SignalingStore } from './SignalingStore.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** Each test gets what it opens closed after it, whatever happened. */
function opened() {
  const all: SignalingBackend[] = [];
  return {
    keep<T extends SignalingBackend>(backend: T): T {
      all.push(backend);
      return backend;
    },
    closeAll: () => Promise.all(all.map((b) => b.close().catch(() => undefined))),
  };
}

describeSignalingBackend('in-process (JSON file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-backend-'));
  const backends = opened();
  return {
    open: async () =>
      backends.keep(new LocalSignalingBackend(SignalingStore.open(join(dir, 'signaling.json')))),
    dispose: async () => {
      await backends.closeAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

let tests = 0;
describeSignalingBackend('Redis', async () => {
  // A prefix per test: one redis-server, nothing shared between tests.
  const prefix = `test${++tests}:`;
  const backends = opened();
  return {
    open: async () => backends.keep(await RedisSignalingBackend.connect(redis.url, { prefix })),
    dispose: () => backends.closeAll().then(() => undefined),
  };
});
