// One signaling instance of scaleOut.bench, alone in its process so that its RSS is its own.
//   instance.mjs local | redis REDIS_URL [setup ROOMS]
// → {"url"} (with `setup`: also {"tokens": [...]} — one room token per room, made through
// this instance's store, which every instance on the same Redis shares); then answers each
// stdin line with {"rss"}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createSignalingServer } from '@trainwire/transport-webrtc';

const [mode, redis, setup, rooms] = process.argv.slice(2);
const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-scale-'));
const common = {
  host: '127.0.0.1',
  // Every bench peer comes from one address, faster than people would.
  rateLimit: { perSecond: 100_000, burst: 100_000 },
  logger: () => undefined,
};
const server =
  mode === 'redis'
    ? await createSignalingServer({ ...common, redis, redisPrefix: 'bench:' })
    : await createSignalingServer({ ...common, dataDir });
process.once('SIGTERM', async () => {
  await server.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
const tokens = [];
if (setup === 'setup') {
  for (let r = 0; r < Number(rooms); r++) {
    await server.createRoom(`room-${r}`);
    tokens.push((await server.createCredential(`room-${r}`, 'room-token')).secret);
  }
}
out({ url: server.url, tokens });
for await (const _ of createInterface({ input: process.stdin })) {
  global.gc?.();
  out({ rss: process.memoryUsage().rss });
}
