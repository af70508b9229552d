// Renders bench/results/report.md (and the chart it shows, transfer.svg) from the JSON
// files the benches wrote to bench/results/: each bench's numbers next to its same-run
// baseline, and issue 15's aims, each stated as met, not met, or not measured.
//   node bench/report.mjs        (npm run bench:report -w @trainwire/bench)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { RESULTS_DIR } from './lib/results.mjs';
import { throughputChart } from './lib/throughputChart.mjs';

const results = {};
for (const file of existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).sort() : []) {
  if (file.endsWith('.json')) {
    results[file.slice(0, -5)] = JSON.parse(readFileSync(`${RESULTS_DIR}${file}`, 'utf8'));
  }
}
if (Object.keys(results).length === 0) {
  console.error(`no results in ${RESULTS_DIR}: run \`npm run bench\` first`);
  process.exit(1);
}

const f = (n, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : '—');
const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`]
    .concat(rows.map((row) => `| ${row.join(' | ')} |`))
    .join('\n');
const verdict = (value, ok) => (value === undefined ? 'not measured' : ok ? 'met' : 'not met');
const out = ['# Benchmark report', ''];
/** Adds a `## title` section: its paragraphs, then a table of `head` and `rows`, then `after`. */
const section = (title, paragraphs, head, rows, after = []) =>
  out.push(
    `## ${title}`,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    table(head, rows),
    '',
    ...after,
  );
out.push(
  'Rendered by `node bench/report.mjs` from `bench/results/*.json`. Each number sits next to ' +
    'a baseline measured in the same run of the same bench; on this shared machine the ' +
    'ratios are steadier than the absolute numbers. MB/s here are MiB/s.',
  '',
  table(
    ['bench', 'run at'],
    Object.entries(results).map(([name, r]) => [name, r.at ?? '—']),
  ),
  '',
);
const aims = [];

const transfer = results.transfer;
if (transfer) {
  writeFileSync(`${RESULTS_DIR}transfer.svg`, throughputChart(transfer.runs));
  const tcpOf = (run) =>
    transfer.runs.find(
      (r) =>
        r.backend === 'tcp' &&
        r.link === run.link &&
        r.rttMs === run.rttMs &&
        r.lossPct === run.lossPct,
    );
  section(
    'Transfer',
    [
      'One file between two Node processes: on the host loopback, and between two network ' +
        'namespaces through the user-space link relay (delay and loss added in user space; the ' +
        'relay itself caps what any backend can move, see TCP at 0 ms).',
      '![throughput against RTT per backend](transfer.svg)',
    ],
    [
      'backend',
      'link',
      'RTT ms',
      'loss %',
      'MB/s',
      'TCP ÷ this',
      'CPU ms/MiB send',
      'recv',
      'one core per end MB/s',
      'note',
    ],
    transfer.runs.map((r) => [
      r.backend,
      r.link,
      r.rttMs,
      r.lossPct,
      f(r.MBps),
      r.backend === 'tcp' || !r.MBps || !tcpOf(r)?.MBps ? '' : `${f(tcpOf(r).MBps / r.MBps)}×`,
      f(r.cpuMsPerMiB?.sender),
      f(r.cpuMsPerMiB?.receiver),
      f(r.oneCorePerEndMBps),
      r.skipped ?? r.error ?? (r.ok === false ? 'hash mismatch' : ''),
    ]),
  );
  const at = (backend, link, rttMs, lossPct = 0) =>
    transfer.runs.find(
      (r) => r.backend === backend && r.link === link && r.rttMs === rttMs && r.lossPct === lossPct,
    );
  const best = (run) => (run?.MBps ? Math.max(run.MBps, run.oneCorePerEndMBps ?? 0) : undefined);
  const fast = transfer.runs.find((r) => r.backend === 'node-datachannel')?.backend;
  const fastAt = (link, rtt) => (fast ? at(fast, link, rtt) : undefined);
  const loopWerift = best(at('werift', 'loopback', 0));
  // What node-datachannel moves with nothing of trainwire's around it, in the same run.
  const bareLoop = best(at('ndc-bare', 'loopback', 0));
  aims.push(
    [
      'loopback ≥ 100 MB/s, fast backend (measured or one core per end)',
      bareLoop === undefined
        ? f(best(fastAt('loopback', 0)))
        : `${f(best(fastAt('loopback', 0)))} (node-datachannel alone: ${f(bareLoop)})`,
      verdict(best(fastAt('loopback', 0)), best(fastAt('loopback', 0)) >= 100),
    ],
    ['loopback ≥ 30 MB/s, werift', f(loopWerift), verdict(loopWerift, loopWerift >= 30)],
    [
      '20 ms RTT ≥ 40 MB/s, fast backend',
      f(fastAt('relay', 20)?.MBps),
      verdict(fastAt('relay', 20)?.MBps, fastAt('relay', 20)?.MBps >= 40),
    ],
    [
      '50 ms RTT ≥ 20 MB/s, fast backend',
      f(fastAt('relay', 50)?.MBps),
      verdict(fastAt('relay', 50)?.MBps, fastAt('relay', 50)?.MBps >= 20),
    ],
  );
}

// browser.bench's own file (transfer.bench.mjs rewrites transfer.json whole).
const browserTransfer = results['transfer-browser'];
if (browserTransfer?.runs?.length) {
  const base = browserTransfer.runs.find((r) => r.path === 'chromium→chromium');
  section(
    'Transfer: Chromium',
    [
      `${browserTransfer.options.BENCH_BROWSER_MIB} MiB on loopback, median of ` +
        `${browserTransfer.options.ROUNDS} rounds, Chromium ${browserTransfer.chromium}: a page ` +
        "on trainwire's browser entry (backend `browser`) to a Node worker process, to a " +
        'worker endpoint in a second page, and back from the Node worker; one signaling ' +
        `server. Time: ${browserTransfer.measure}. Raw pair: two RTCPeerConnections in one ` +
        'page, a bare data channel, no trainwire (the baseline). CPU: the Node end only.',
    ],
    ['path', 'MB/s', '÷ Chromium ↔ Chromium', 'rounds MB/s', 'Node CPU ms/MiB', 'note'],
    browserTransfer.runs.map((r) => [
      r.path,
      f(r.MBps),
      r.MBps && base?.MBps ? `${f(r.MBps / base.MBps, 2)}×` : '',
      (r.MBpsRounds ?? []).map((x) => f(x)).join(' / '),
      f(r.cpuMsPerMiB?.receiver ?? r.cpuMsPerMiB?.sender),
      r.error ?? (r.ok === false ? 'hash mismatch' : ''),
    ]),
  );
}
const browserAim = browserTransfer?.aim ?? [];
aims.push([
  'browser → worker ≥ Chromium ↔ Chromium',
  browserAim.length
    ? browserAim.map((a) => `${a.nodeBackend} ${f(a.MBps)} vs ${f(a.chromiumMBps)} MB/s`).join(', ')
    : '—',
  browserAim.length === 0
    ? 'not measured'
    : browserAim.every((a) => a.met)
      ? 'met'
      : browserAim.some((a) => a.met)
        ? `met on ${browserAim
            .filter((a) => a.met)
            .map((a) => a.nodeBackend)
            .join(', ')} only`
        : 'not met',
]);

const connect = results.connect;
if (connect) {
  section(
    'Connect time',
    [
      `Offer → data channels open, ${connect.connects} connects per row; TCP: one connect, the floor.`,
    ],
    ['backend', 'link', 'RTT ms', 'p50 ms', 'p99 ms', 'max ms', 'note'],
    connect.runs.map((r) => [
      r.backend,
      r.link,
      r.rttMs,
      f(r.p50),
      f(r.p99),
      f(r.max),
      r.error ?? r.skipped ?? '',
    ]),
  );
}

const memory = results.memory;
if (memory?.skipped) {
  out.push('## Memory', '', `Not measured: ${memory.skipped}`, '');
  aims.push([
    '4 GiB upload and download each < 100 MiB RSS growth at both ends',
    '—',
    'not measured',
  ]);
} else if (memory) {
  const ofTcp = (r, side, tcp) =>
    tcp?.[side]?.growthMiB > 0 && r !== tcp ? `${f(r[side].growthMiB / tcp[side].growthMiB)}×` : '';
  const row = (backend, r, tcp) => [
    backend,
    r.direction,
    f(r.MBps),
    `${f(r.client.baselineMiB, 0)} → ${f(r.client.peakMiB, 0)}`,
    `+${f(r.client.growthMiB)}`,
    ofTcp(r, 'client', tcp),
    `${f(r.worker.baselineMiB, 0)} → ${f(r.worker.peakMiB, 0)}`,
    `+${f(r.worker.growthMiB)}`,
    ofTcp(r, 'worker', tcp),
    backend === 'tcp' ? '' : r.met ? 'met' : 'not met',
    r.error ?? (r.ok === false ? 'hash mismatch' : ''),
  ];
  const rows = [];
  for (const r of [memory.tcp?.upload, memory.tcp?.download]) if (r) rows.push(row('tcp', r, r));
  for (const run of memory.runs) {
    if (run.skipped || (!run.upload && run.error)) {
      rows.push([run.backend, '', '', '', '', '', '', '', '', '', run.skipped ?? run.error]);
      continue;
    }
    for (const direction of ['upload', 'download']) {
      const r = run[direction];
      if (r) rows.push(row(run.backend, r, memory.tcp?.[direction]));
    }
  }
  const sizeGiB = memory.sizeGiB;
  section(
    'Memory',
    [
      `A ${f(sizeGiB, 2)} GiB file uploaded (the CLI's \`train --upload\` path: core's \`uploadFile\`) ` +
        "and downloaded (the CLI's `fetch` path: core's `fetchArtifact`) between a client and a " +
        'worker, each in its own process (fresh ones for each direction), over WebRTC through a ' +
        'real signaling server; both SHA-256s checked. RSS in MiB: before (after a GC) → peak ' +
        "(the kernel's VmHWM), growth = peak − before. Baseline: the same file disk → plain TCP " +
        `socket → disk between the same kind of processes. Aim: growth < ${memory.aimMiB} MiB at both ends.`,
    ],
    [
      'backend',
      'direction',
      'MB/s',
      'client RSS',
      'growth',
      '÷ TCP',
      'worker RSS',
      'growth',
      '÷ TCP',
      'aim',
      'note',
    ],
    rows,
  );
  const measuredRuns = memory.runs.filter((run) => !run.skipped);
  const worst = measuredRuns.map((run) => {
    const growth = [run.upload, run.download].flatMap((r) =>
      r ? [r.client.growthMiB, r.worker.growthMiB] : [],
    );
    return `${run.backend} +${f(Math.max(...growth))} MiB`;
  });
  const full = sizeGiB >= 4;
  aims.push([
    '4 GiB upload and download each < 100 MiB RSS growth at both ends',
    `largest growth ${worst.join(', ')}${full ? '' : ` (at ${f(sizeGiB, 2)} GiB)`}`,
    measuredRuns.length === 0
      ? 'not measured'
      : !memory.met
        ? 'not met'
        : full
          ? 'met'
          : `met at ${f(sizeGiB, 2)} GiB, not measured at 4`,
  ]);
}

const core = results['core-stream'];
if (core) {
  section(
    'Core: JobSession',
    [],
    ['', 'M events/s', `${core.subscribers} subscribers, ${core.events} events`],
    [
      ['bare RxJS Subject (baseline)', f(core.subjectEventsPerSec / 1e6, 2), ''],
      [
        'JobSession',
        f(core.sessionEventsPerSec / 1e6, 2),
        `${f(core.subjectOverSession, 2)}× slower`,
      ],
    ],
  );
  aims.push([
    "JobSession within 2× of a bare Subject (core-stream's own aim)",
    `${f(core.subjectOverSession, 2)}×`,
    verdict(1, core.subjectOverSession <= 2),
  ]);
}

const signaling = results.signaling;
if (signaling) {
  const row = (name, r) => [
    name,
    f(r.registrationsPerSec, 0),
    f(r.rssBeforeMiB),
    f(r.rssWithPeersMiB),
    f(r.rssPer1000PeersMiB),
  ];
  section(
    'Signaling',
    [
      `${signaling.peers} idle peers registered ${signaling.concurrency} at a time; RSS of the server process.`,
    ],
    ['server', 'registrations/s', 'RSS before MiB', 'RSS with peers MiB', 'MiB per 1 000 peers'],
    [row('bare ws (baseline)', signaling.bare), row('trainwire', signaling.trainwire)],
  );
  const rss = signaling.trainwire.rssAt1000PeersMiB;
  aims.push([
    '1 000 idle signaling peers < 200 MB RSS',
    `${f(rss, 0)} MiB`,
    verdict(rss, rss < 190.7),
  ]);
}

const scaleOut = results['scale-out'];
if (scaleOut) {
  const row = (r) => [
    r.label,
    f(r.registrationsPerSec, 0),
    f(r.discoveryMs.p50, 1),
    f(r.discoveryMs.p99, 1),
    r.unseen,
    r.rssPerInstanceMiB.map((m) => f(m, 0)).join(' / '),
  ];
  section(
    'Signaling scale-out (issue 16)',
    [
      `${scaleOut.peers} peers in ${scaleOut.rooms} rooms, ${scaleOut.concurrency} registrations in flight; discovery: a peer's welcome on one instance → its room's watcher on another sees it join.`,
    ],
    [
      'setup',
      'registrations/s',
      'discovery p50 ms',
      'p99 ms',
      'never seen',
      'RSS per instance MiB',
    ],
    [row(scaleOut.single), row(scaleOut.shared)],
  );
}

const progress = results['progress-ingest'];
if (progress) {
  const p = progress.paced;
  const row = (name, s) => [name, s.n, f(s.p50, 2), f(s.p99, 2), f(s.max, 2)];
  const b = progress.burst;
  section(
    'Progress latency',
    [],
    ['path', 'n', 'p50 ms', 'p99 ms', 'max ms'],
    [
      row('raw ZeroMQ PUB → SUB (baseline)', p.rawZmqMs),
      row('bridge publisher → raw SUB', p.bridgePublisherMs),
      row('trainer → worker → client', p.toClientMs),
      row('trainer → worker → client → viewer feed → viewer', p.toViewerMs),
    ],
    [
      `Burst of ${b.count}: raw ZeroMQ received ${b.rawZmq.received} (${f(b.rawZmq.perSec, 0)}/s); ` +
        `trainwire stored ${b.trainwire.stored} events, the client got ${b.trainwire.client}, the viewer ` +
        `${b.trainwire.viewer} (${f(b.trainwire.perSec, 0)}/s), lost ${b.trainwire.lost}` +
        (b.trainwire.lost > 0
          ? ` (the trainer's publisher dropped ${b.trainwire.publisherDropped}; the first missing batch is ${b.trainwire.firstMissingBatch}).`
          : '.'),
      '',
    ],
  );
  aims.push(
    [
      'progress p99 < 10 ms end to end',
      `${f(p.toViewerMs.p99, 2)} ms`,
      verdict(1, p.toViewerMs.p99 < 10),
    ],
    [
      `${b.count}-event burst: zero lost`,
      `${b.trainwire.lost} lost`,
      verdict(1, b.trainwire.lost === 0),
    ],
  );
}

const cli = results['cli-startup'];
if (cli) {
  section(
    'CLI start',
    [],
    ['', 'ms (median)'],
    [
      ['`node -e ""` (baseline)', f(cli.bareNodeMs, 0)],
      ['`trainwire --help`', `${f(cli.helpMs, 0)} (${f(cli.helpOverBare, 2)}× bare node)`],
      ['`trainwire up` → first epoch', f(cli.upToFirstEpochMs, 0)],
    ],
  );
}

const pytorch = results.pytorch;
if (pytorch) {
  const inf = pytorch.inference;
  const spread = `${f(pytorch.spreadPct.min)} … ${f(pytorch.spreadPct.max)}`;
  section(
    'PyTorch trainer (issue 14)',
    [
      `The PyTorch keypoint trainer, ${pytorch.epochs} epochs of ${pytorch.samples} images on ` +
        `${pytorch.threads} torch thread(s), run bare and as a job of a real worker driven by a ` +
        `client over WebRTC (${pytorch.backend}), ${pytorch.pairs} pairs alternating. Both timed ` +
        "from the trainer's own ZeroMQ progress, stamped by the bench as it arrives; an epoch is " +
        'epoch_begin → next epoch_begin (checkpoint writes included), the first of each run left out.',
    ],
    ['', 'bare (baseline)', 'under trainwire', 'trainwire vs bare', 'per pair (min … max)'],
    [
      [
        'epoch ms (median)',
        f(pytorch.bareEpochMs),
        f(pytorch.trainwireEpochMs),
        `${f(pytorch.overheadPct)} %`,
        `${spread} %`,
      ],
      [
        "trainer's CPU ms an epoch (median of runs)",
        f(pytorch.trainerCpu.bareMsPerEpoch),
        f(pytorch.trainerCpu.trainwireMsPerEpoch),
        `${f(pytorch.trainerCpu.overheadPct)} %`,
        `${f(pytorch.trainerCpu.spreadPct.min)} … ${f(pytorch.trainerCpu.spreadPct.max)} %`,
      ],
      [
        `predict loop, items/s (${inf.items} images)`,
        f(inf.loop.bareItemsPerSec, 0),
        f(inf.loop.trainwireItemsPerSec, 0),
        `${f(inf.loop.ratio, 3)}×`,
        `${f(inf.loop.pairRatio?.min, 3)} … ${f(inf.loop.pairRatio?.max, 3)}×`,
      ],
      [
        'predict whole run, items/s (start → predictions on disk)',
        f(inf.wholeRun.bareItemsPerSec, 0),
        f(inf.wholeRun.trainwireItemsPerSec, 0),
        `${f(inf.wholeRun.ratio, 3)}×`,
        `${f(inf.wholeRun.pairRatio?.min, 3)} … ${f(inf.wholeRun.pairRatio?.max, 3)}×`,
      ],
    ],
  );
  aims.push([
    `PyTorch epoch overhead under trainwire < ${pytorch.aimPct} % (issue 14)`,
    `${f(pytorch.overheadPct)} % (pairs ${spread} %)`,
    pytorch.verdictWhy ? `${pytorch.verdict} (${pytorch.verdictWhy})` : pytorch.verdict,
  ]);
}

const zmq = results.zmq;
if (zmq) {
  const row = (name, r) => [name, f(r.rate, 0), f(r.p50, 3), f(r.p99, 3), r.dropped ?? '—'];
  section(
    'ZeroMQ bridge',
    [
      `On loopback in one process: a ${zmq.messages}-message burst (msg/s) and ${zmq.pings} one-at-a-time pings (latency).`,
    ],
    ['path', 'msg/s', 'p50 ms', 'p99 ms', 'dropped'],
    [
      row('raw PUB → SUB (baseline)', zmq.raw),
      row('job events → viewer feed → viewer', zmq.feed),
      row('trainer publisher → reader → feed → viewer', zmq.pipeline),
    ],
    [
      `Raw ZeroMQ with its defaults (HWM 1000, sends not awaited): ${zmq.rawDefaults.received} of ${zmq.messages} arrived.`,
      '',
    ],
  );
}

const known = new Set([
  'transfer',
  'transfer-browser',
  'connect',
  'memory',
  'core-stream',
  'signaling',
  'scale-out',
  'progress-ingest',
  'cli-startup',
  'pytorch',
  'zmq',
]);
const rounded = (_, v) =>
  typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(3)) : v;
for (const [name, r] of Object.entries(results)) {
  if (known.has(name)) continue;
  out.push(`## ${name}`, '', '```json', JSON.stringify(r, rounded, 2), '```', '');
}

out.push('## Aims (issue 15)', '', table(['aim', 'measured', 'verdict'], aims), '');
writeFileSync(`${RESULTS_DIR}report.md`, out.join('\n'));
console.log(`wrote ${RESULTS_DIR}report.md`);
