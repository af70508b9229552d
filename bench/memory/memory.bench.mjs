// Issue 15, "Memory": a BENCH_MEMORY_GIB (4) GiB upload and download, each with < 100 MiB
// RSS growth at both ends. Real parts, each end in its own process: a signaling server on
// 127.0.0.1 (in this process), a worker (createWorker on a temp data dir, online through
// goOnline) and a client (connectWithCredentials) over WebRTC. The client uploads a file
// from disk with the CLI's `train --upload` path (its localFile, core's uploadFile), then
// downloads what the worker stored with the CLI's `fetch` path (core's fetchArtifact, its
// fileDownloadTarget) to disk; both SHA-256s are checked against the file's.
// At both ends, per direction: RSS before (after a GC), the peak during (the kernel's
// VmHWM, and samples every BENCH_MEMORY_SAMPLE_MS), after; growth = peak − before.
// Baseline in the same run, between the same kind of processes: the same file disk → a plain
// Node TCP socket → disk, each way. Writes bench/results/memory.json.
// Options (env):
//   BENCH_MEMORY_GIB        file size in GiB, decimals allowed (default 4; 0.25 to try it out)
//   BENCH_MEMORY_BACKENDS   comma-separated: werift, node-datachannel (default: both; one
//                           that does not load here is skipped, saying why)
//   BENCH_MEMORY_SAMPLE_MS  RSS sample period (default 100)
//   BENCH_MEMORY_TIMEOUT_S  per direction (default: the size at 2 MB/s, at least 300)
//   BENCH_MEMORY_DIR        where the temp files go (default the OS temp dir); needs room
//                           for 3 copies of the file
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSignalingServer } from '@trainwire/transport-webrtc';
import { positiveIntEnv, positiveNumberEnv } from '../env.mjs';
import { writeResults } from '../lib/results.mjs';
import { startCommandPeer } from './commandPeer.mjs';
import { fmt, gib, measureStep, pickBackends, print, recordStep } from './measure.mjs';
import { writePatternFile } from './patternFile.mjs';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const AIM_MIB = 100;
const PEER = fileURLToPath(new URL('./peer.mjs', import.meta.url));
const SIZE_GIB = positiveNumberEnv('BENCH_MEMORY_GIB', 4);
const SIZE = Math.round(SIZE_GIB * GiB);
if (SIZE < MiB) throw new Error(`BENCH_MEMORY_GIB must be at least 1 MiB (0.001), got ${SIZE_GIB}`);
const SAMPLE_MS = positiveIntEnv('BENCH_MEMORY_SAMPLE_MS', 100);
const TIMEOUT_MS =
  positiveIntEnv('BENCH_MEMORY_TIMEOUT_S', Math.max(300, Math.ceil(SIZE / MiB / 2))) * 1000;
const BASE_DIR = process.env.BENCH_MEMORY_DIR || tmpdir();
const backends = await pickBackends(process.env.BENCH_MEMORY_BACKENDS);
const measured = (label, client, worker, work) => measureStep(label, client, worker, work, SIZE);
const record = (direction, run, extra) => recordStep(direction, run, SIZE, AIM_MIB, extra);

// Room for the source, the worker's copy and the client's download (TCP's copies are
// removed before WebRTC runs), and 1 GiB left over for everyone else on this disk.
const free = (() => {
  const stats = statfsSync(BASE_DIR);
  return stats.bavail * stats.bsize;
})();
const needed = 3 * SIZE + GiB;
if (free < needed) {
  const reason =
    `bench/memory needs ${gib(needed)} free in ${BASE_DIR} (3 copies of the ${gib(SIZE)} file ` +
    `and 1 GiB to spare), but only ${gib(free)} is free: set BENCH_MEMORY_GIB lower, or ` +
    'BENCH_MEMORY_DIR to a folder on a roomier disk';
  console.error(reason);
  writeResults('memory', { sizeBytes: SIZE, aimMiB: AIM_MIB, skipped: reason, runs: [] });
  process.exit(1);
}

const root = mkdtempSync(join(BASE_DIR, 'tw-bench-memory-'));
const children = new Set();
let cleaned = false;
const cleanUp = async () => {
  if (cleaned) return;
  cleaned = true;
  await Promise.all([...children].map((child) => child.stop().catch(() => undefined)));
  rmSync(root, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.log(`${signal}: stopping the peers and removing ${root}`);
    cleanUp().finally(() => process.exit(130));
  });
}

async function spawnPeer(args, backend, label) {
  const env = {
    ...process.env,
    TRAINWIRE_RTC_BACKEND: backend,
    BENCH_MEMORY_SAMPLE_MS: String(SAMPLE_MS),
  };
  const peer = await startCommandPeer(PEER, args, env, label);
  children.add(peer);
  peer.exited.then(() => children.delete(peer));
  return peer;
}

/** Fresh worker and client processes on `backend` (the worker on `workerDir`), for one direction. */
async function withPair(backend, workerDir, run) {
  const worker = await spawnPeer(
    ['worker', server.url, ROOM, workerKey, workerDir],
    backend,
    'worker',
  );
  try {
    const client = await spawnPeer(['client', server.url, ROOM, token], backend, 'client');
    try {
      return await run(client, worker);
    } finally {
      await client.stop();
    }
  } finally {
    await worker.stop();
  }
}

/** The TCP baseline: the file disk → socket → disk each way, in fresh processes per direction. */
async function tcpBaseline(backend, workerDir, clientDir) {
  const tcpUp = join(workerDir, 'tcp-up.bin');
  const tcpDown = join(clientDir, 'tcp-down.bin');
  const pass = (from, to, fromPath, toPath) => async () => {
    const { port } = await to.call('tcp-recv', { path: toPath });
    await from.call('tcp-send', { port, path: fromPath }, TIMEOUT_MS);
    return to.call('tcp-wait', {}, TIMEOUT_MS);
  };
  try {
    const upload = await withPair(backend, workerDir, async (client, worker) => {
      const up = await measured('tcp upload', client, worker, pass(client, worker, source, tcpUp));
      const got = up.error ? undefined : await worker.call('hash', { path: tcpUp }, TIMEOUT_MS);
      return record('upload', up, { ok: got?.sha256 === sha256 });
    });
    print('tcp', upload);
    const download = await withPair(backend, workerDir, async (client, worker) => {
      const down = await measured(
        'tcp download',
        client,
        worker,
        pass(worker, client, tcpUp, tcpDown),
      );
      const got = down.error ? undefined : await client.call('hash', { path: tcpDown }, TIMEOUT_MS);
      return record('download', down, { ok: got?.sha256 === sha256 });
    });
    print('tcp', download);
    return { upload, download };
  } finally {
    rmSync(tcpUp, { force: true });
    rmSync(tcpDown, { force: true });
  }
}

/** Upload, then download what the worker stored, each in fresh processes on `backend`. */
async function rtcRun(backend, workerDir, clientDir, tcp) {
  const run = { backend };
  let remotePath;
  await withPair(backend, workerDir, async (client, worker) => {
    const up = await measured(`${backend} upload`, client, worker, () =>
      client.call('upload', { path: source }, TIMEOUT_MS),
    );
    remotePath = up.result?.remotePath;
    const stored = remotePath && (await worker.call('hash', { path: remotePath }, TIMEOUT_MS));
    run.upload = record('upload', up, { ok: stored?.sha256 === sha256, hashMs: up.result?.hashMs });
    run.ranOn = { client: client.hello.backend, worker: (await worker.call('info')).backend };
    print(backend, run.upload, tcp?.upload);
  });
  if (remotePath) {
    const outPath = join(clientDir, 'downloaded.bin');
    await withPair(backend, workerDir, async (client, worker) => {
      const down = await measured(`${backend} download`, client, worker, () =>
        client.call('download', { remotePath, outPath }, TIMEOUT_MS),
      );
      const fetched = down.error
        ? undefined
        : await client.call('hash', { path: outPath }, TIMEOUT_MS);
      run.download = record('download', down, { ok: fetched?.sha256 === sha256 });
      print(backend, run.download, tcp?.download);
    });
  }
  if (run.ranOn.client !== backend || run.ranOn.worker !== backend)
    run.error = `asked for ${backend}, ran on client ${run.ranOn.client}, worker ${run.ranOn.worker}`;
  run.met = !run.error && [run.upload, run.download].every((r) => r?.met && r.ok);
  return run;
}

const ROOM = 'bench-memory';
const source = join(root, 'source.bin');
const runs = [];
let tcp;
let server;
let workerKey;
let token;
let sha256;
try {
  console.log(
    `file: ${gib(SIZE)} (written to ${root}); RSS sampled every ${SAMPLE_MS} ms; ` +
      `aim: growth < ${AIM_MIB} MiB at both ends; fresh processes for each direction`,
  );
  const writing = performance.now();
  sha256 = await writePatternFile(source, SIZE);
  console.log(
    `source written in ${fmt((performance.now() - writing) / 1000)} s, SHA-256 ${sha256.slice(0, 16)}…`,
  );
  server = await createSignalingServer({ host: '127.0.0.1', dataDir: join(root, 'signal') });
  server.createRoom(ROOM);
  workerKey = server.createCredential(ROOM, 'worker-key').secret;
  token = server.createCredential(ROOM, 'room-token').secret;

  for (const backend of backends) {
    if (backend.skip) {
      console.log(`${backend.name}: skipped, ${backend.skip}`);
      runs.push({ backend: backend.name, skipped: backend.skip });
      continue;
    }
    const workerDir = join(root, `worker-${backend.name}`);
    const clientDir = join(root, `client-${backend.name}`);
    mkdirSync(clientDir);
    try {
      // The baseline once, with the first backend's processes, before any WebRTC transfer.
      if (!tcp) {
        tcp = await tcpBaseline(backend.name, workerDir, clientDir).catch((error) => {
          console.log(`tcp baseline: FAILED: ${error.message}`);
          return { error: error.message };
        });
      }
      runs.push(await rtcRun(backend.name, workerDir, clientDir, tcp));
    } catch (error) {
      console.log(`${backend.name}: FAILED: ${error.message}`);
      runs.push({ backend: backend.name, error: error.message, met: false });
    } finally {
      rmSync(workerDir, { recursive: true, force: true });
      rmSync(clientDir, { recursive: true, force: true });
    }
  }
} finally {
  await server?.close();
  await cleanUp();
}

const measuredRuns = runs.filter((run) => !run.skipped);
writeResults('memory', {
  sizeBytes: SIZE,
  sizeGiB: SIZE / GiB,
  aimMiB: AIM_MIB,
  sampleMs: SAMPLE_MS,
  freshProcessesPerDirection: true,
  tcp,
  runs,
  met: measuredRuns.length > 0 && measuredRuns.every((run) => run.met),
});
const broken =
  measuredRuns.some(
    (run) => run.error || [run.upload, run.download].some((r) => !r || r.ok === false),
  ) ||
  !tcp?.upload?.ok ||
  !tcp?.download?.ok;
process.exit(broken ? 1 : 0);
