// MB/s (MiB/s) of one file between a Chromium page and a Node worker, next to the same
// file between two Chromium pages, in one run, on loopback (127.0.0.1), all through one
// trainwire signaling server that this process runs. Issue 15's aim: browser → worker
// ≥ Chromium ↔ Chromium. Writes bench/results/transfer-browser.json (its own file:
// transfer.bench.mjs rewrites transfer.json whole, and runs after this one in run-all).
// The page runs the bundled browser entry of @trainwire/transport-webrtc (backend
// `browser`, the page's RTCPeerConnection), served from http://127.0.0.1 (a secure
// context, for crypto.subtle); the Node end is browserWorker.mjs, its own process.
// Paths, each a fresh link (fresh pages) per round, rounds alternating the paths:
//   chromium→<node backend>   upload: page client → Node worker (werift, node-datachannel)
//   chromium→chromium         page client → worker endpoint in a second page (a tab of
//                             its own, its own renderer process), same chunking
//   raw chromium pair         baseline, not trainwire: two RTCPeerConnections in one page,
//                             a bare data channel, 64 KiB messages
//   <node backend>→chromium   download: the Node worker → page client (BENCH_BROWSER_DOWNLOAD=0
//                             leaves it out)
// Time: upload, the sender's start (openByteStream) → the receiver's `done` reaching the
// sender; the receiver sends it at the stream's last byte (one clock, the sender's).
// Download: the page's request → the stream's last byte in the page. SHA-256 of what
// arrived is checked against the sender's at both ends in every transfer.
// Chromium leaves the loopback interface out of ICE unless told: it is launched with
// --allow-loopback-in-peer-connection and mDNS host candidates off, beside the flags of
// browser.chromium.test.ts; playwright gives it a fresh profile (--user-data-dir) itself.
// Options (env):
//   BENCH_BROWSER_MIB       file size (default 32); CHUNK_KIB write size (default 1024)
//   ROUNDS                  per path (default 3); TIMEOUT_S per transfer (default 60)
//   BENCH_BROWSER_BACKENDS  Node worker backends (default werift,node-datachannel)
//   CHROMIUM                the browser (default /usr/bin/chromium)
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSignalingServer } from '@trainwire/transport-webrtc';
import { positiveIntEnv } from '../env.mjs';
import { median, spawnJsonPeer, writeResults } from '../lib/results.mjs';
import { pickBackends } from './backends.mjs';
import { pageDownload, pageRawPair, pageSend, pageWorker } from './browserPage.mjs';

const MIB = positiveIntEnv('BENCH_BROWSER_MIB', 32);
const CHUNK_KIB = positiveIntEnv('CHUNK_KIB', 1024);
const ROUNDS = positiveIntEnv('ROUNDS', 3);
const TIMEOUT_MS = positiveIntEnv('TIMEOUT_S', 60) * 1000;
const DOWNLOAD = process.env.BENCH_BROWSER_DOWNLOAD !== '0';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WORKER = fileURLToPath(new URL('./browserWorker.mjs', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../packages/transport-webrtc/', import.meta.url));

const fmt = (n, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : '—');

/** The browser entry as one script (global `trainwire`), as bundleForBrowser.ts builds it. */
async function bundle() {
  const { build } = await import('vite');
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    root: PACKAGE,
    resolve: {
      alias: { '#platform': `${PACKAGE}src/internal/platform.browser.ts` },
      conditions: ['browser', 'import', 'module', 'default'],
    },
    build: {
      write: false,
      minify: false,
      lib: { entry: `${PACKAGE}src/browser.ts`, formats: ['iife'], name: 'trainwire' },
    },
  });
  return (Array.isArray(output) ? output[0] : output).output[0].code;
}

/** Serves a blank page with the bundle on 127.0.0.1; resolves with its URL and server. */
function servePage(script) {
  const server = createServer((req, res) => {
    if (req.url === '/trainwire.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>bench</title><script src="/trainwire.js"></script>');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, server }),
    ),
  );
}

const withTimeout = (promise, label) => {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label}: no result in ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
};

if (!existsSync(CHROMIUM)) {
  console.log(`browser transfer skipped: no Chromium at ${CHROMIUM}`);
  writeResults('transfer-browser', { skipped: `no Chromium at ${CHROMIUM}`, runs: [] });
  process.exit(0);
}
const { chromium } = await import('playwright-core');

const expected = (() => {
  const data = new Uint8Array(MIB * 1024 * 1024);
  for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff;
  return createHash('sha256').update(data).digest('hex');
})();

const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-browser-'));
const signaling = await createSignalingServer({ host: '127.0.0.1', dataDir });
signaling.createRoom('bench');
const token = signaling.createCredential('bench', 'room-token').secret;
const workerKey = () => signaling.createCredential('bench', 'worker-key').secret;
const site = await servePage(await bundle());
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ],
});
const chromiumVersion = browser.version();

const workers = [];
const nodeBackends = (
  await pickBackends(process.env.BENCH_BROWSER_BACKENDS || 'werift,node-datachannel')
).filter((b) => b.kind === 'rtc');
const skipped = [];
for (const backend of nodeBackends) {
  if (backend.skip) {
    skipped.push({ backend: backend.name, skipped: backend.skip });
    continue;
  }
  const peer = spawnJsonPeer(process.execPath, [
    WORKER,
    signaling.url,
    workerKey(),
    JSON.stringify(backend.rtc),
  ]);
  workers.push({ name: backend.name, peer, ...(await peer.next()) });
}

let pageWorkers = 0;
async function openPage() {
  const page = await browser.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => globalThis.trainwire !== undefined);
  return page;
}

const link = { url: signaling.url, token, mib: MIB, writeKib: CHUNK_KIB };
/** The paths measured: name, direction, Node backend (if any), and one transfer. */
const paths = [
  ...workers.map((w) => ({
    path: `chromium→${w.name}`,
    direction: 'upload',
    node: w.name,
    async once() {
      const page = await openPage();
      try {
        return await page.evaluate(pageSend, { ...link, workerId: w.peerId });
      } finally {
        await page.close();
      }
    },
  })),
  {
    path: 'chromium→chromium',
    direction: 'upload',
    async once() {
      const receiver = await openPage();
      const sender = await openPage();
      try {
        const workerId = await receiver.evaluate(pageWorker, {
          url: signaling.url,
          key: workerKey(),
          name: `bench-page-worker-${++pageWorkers}`,
        });
        return await sender.evaluate(pageSend, { ...link, workerId });
      } finally {
        await sender.close();
        await receiver.close();
      }
    },
  },
  {
    // Not trainwire: the same bytes over a bare data channel, to tell Chromium's own
    // ceiling here from the transport's.
    path: 'raw chromium pair',
    direction: 'baseline',
    async once() {
      const page = await openPage();
      try {
        return await page.evaluate(pageRawPair, { mib: MIB });
      } finally {
        await page.close();
      }
    },
  },
  ...(DOWNLOAD ? workers : []).map((w) => ({
    path: `${w.name}→chromium`,
    direction: 'download',
    node: w.name,
    async once() {
      const page = await openPage();
      try {
        return await page.evaluate(pageDownload, { ...link, workerId: w.peerId });
      } finally {
        await page.close();
      }
    },
  })),
];

console.log(
  `browser transfer: ${MIB} MiB on loopback in ${CHUNK_KIB} KiB writes, median of ${ROUNDS} ` +
    `rounds, Chromium ${chromiumVersion}`,
);
const results = new Map(paths.map((p) => [p.path, []]));
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Rotated each round, so that a noisy moment hits every path alike.
    for (let i = 0; i < paths.length; i++) {
      const p = paths[(i + round) % paths.length];
      const result = await withTimeout(p.once(), p.path).catch((error) => ({
        error: error.message.split('\n')[0],
      }));
      results.get(p.path).push(result);
    }
  }
} finally {
  await browser.close();
  await Promise.all(workers.map((w) => w.peer.stop()));
  await signaling.close();
  site.server.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const bytes = MIB * 1024 * 1024;
const intact = (r) => r.sha256 === expected && r.received === expected && r.bytes === bytes;
const runs = paths.map((p) => {
  const all = results.get(p.path);
  const done = all.filter((r) => r.error === undefined && typeof r.ms === 'number');
  const run = {
    backend: p.direction === 'baseline' ? 'chromium-raw' : 'chromium',
    path: p.path,
    direction: p.direction,
    ...(p.node ? { nodeBackend: p.node } : {}),
    link: 'loopback',
    rttMs: 0,
    lossPct: 0,
    sizeMiB: MIB,
    rounds: all.length,
  };
  if (done.length === 0) return { ...run, MBps: null, error: all[0]?.error ?? 'no result' };
  const speeds = done.map((r) => MIB / (r.ms / 1000));
  const perMiB = (key) =>
    done.every((r) => typeof r[key] === 'number') ? median(done.map((r) => r[key])) / MIB : null;
  return {
    ...run,
    MBps: median(speeds),
    MBpsRounds: speeds,
    // CPU of the Node end only (less hashing); the page's is not measured.
    cpuMsPerMiB: { sender: perMiB('senderCpuMs'), receiver: perMiB('receiverCpuMs') },
    ...(p.direction === 'upload'
      ? { endResolvedMBps: median(done.map((r) => MIB / (r.endedMs / 1000))) }
      : {}),
    ...(done[0].connectMs === undefined ? {} : { connectMs: median(done.map((r) => r.connectMs)) }),
    ranOn: done[0].ranOn,
    ok: done.every(intact),
    ...(done.length < all.length
      ? { failedRounds: all.length - done.length, error: all.find((r) => r.error)?.error }
      : {}),
  };
});

const base = runs.find((r) => r.path === 'chromium→chromium');
console.log(
  `${'path'.padEnd(28)} ${'MB/s'.padStart(7)}  ${'÷ chromium↔chromium'.padEnd(20)} rounds (MB/s)`,
);
for (const run of runs) {
  const ratio = run.MBps && base?.MBps ? `${fmt(run.MBps / base.MBps, 2)}×` : '';
  const cpu = run.cpuMsPerMiB
    ? `  Node CPU ms/MiB ${fmt(run.cpuMsPerMiB.sender ?? run.cpuMsPerMiB.receiver)}`
    : '';
  const status = run.error ? `  FAILED: ${run.error}` : run.ok ? '' : '  HASH MISMATCH';
  console.log(
    `${run.path.padEnd(28)} ${fmt(run.MBps).padStart(7)}  ${ratio.padEnd(20)} ` +
      `${(run.MBpsRounds ?? []).map((s) => fmt(s)).join(' / ')}${cpu}${status}`,
  );
}
for (const s of skipped) console.log(`${`chromium→${s.backend}`.padEnd(28)} skipped: ${s.skipped}`);

// The aim, for each Node worker backend: the page's upload to it at least as fast as
// the same upload to a second page.
const aim = runs
  .filter((r) => r.direction === 'upload' && r.nodeBackend)
  .map((r) => ({
    nodeBackend: r.nodeBackend,
    MBps: r.MBps,
    chromiumMBps: base?.MBps ?? null,
    met: Boolean(r.MBps && base?.MBps && r.ok && base.ok && r.MBps >= base.MBps),
  }));
for (const a of aim)
  console.log(
    `aim browser → worker (${a.nodeBackend}) ≥ Chromium ↔ Chromium: ` +
      `${fmt(a.MBps)} vs ${fmt(a.chromiumMBps)} MB/s → ${a.met ? 'met' : 'not met'}`,
  );
writeResults('transfer-browser', {
  options: { BENCH_BROWSER_MIB: MIB, CHUNK_KIB, ROUNDS },
  chromium: chromiumVersion,
  measure:
    "upload: sender's openByteStream → receiver's `done` (sent at its last byte) back at the sender; download: the page's request → last byte in the page",
  aim,
  ...(skipped.length ? { skipped } : {}),
  runs,
});
if (runs.some((run) => run.ok === false || run.MBps === null)) process.exit(1);
