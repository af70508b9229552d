// MB/s (MiB/s) of one file between two Node processes, for each backend in backends.mjs
// (raw TCP is the baseline), on the host's loopback and between two network namespaces
// through the user-space link relay, clean and at 20 / 50 ms RTT with and without 1 %
// loss; TCP crosses the same relay. Writes bench/results/transfer.json.
// CPU ms per MiB at each end is steadier than MB/s on a shared machine, and says what one
// core per end (client and worker on different machines) could reach: 1000 / the larger.
// Options (env):
//   BACKENDS       comma-separated names from backends.mjs (default: all)
//   LINKS          comma-separated: `loopback`, or RTT_MS[/LOSS_PCT] through the relay
//                  (default: loopback,0,20,50,20/1,50/1)
//   SIZE_MIB       file size on loopback (default 128: werift's JIT still warms up over 32);
//                  RELAY_SIZE_MIB through the clean relay (64: with 16 MiB, slow start at 20 / 50 ms
//                  was most of the time); LOSSY_SIZE_MIB through the relay with loss (8)
//   CHUNK_KIB      write size (default 1024); ROUNDS per backend and link (default 2)
//   STREAMS        WebRTC only: the file as this many byte streams side by side (default 1)
//   TIMEOUT_S      a run still going after this is recorded as timed out (default 60)
import { positiveIntEnv } from '../env.mjs';
import { median, writeResults } from '../lib/results.mjs';
import { pickBackends } from './backends.mjs';
import { forEachLink, measurePair, parseLinks } from './links.mjs';

const SIZE_MIB = positiveIntEnv('SIZE_MIB', 128);
const RELAY_SIZE_MIB = positiveIntEnv('RELAY_SIZE_MIB', 64);
const LOSSY_SIZE_MIB = positiveIntEnv('LOSSY_SIZE_MIB', 8);
const CHUNK_KIB = positiveIntEnv('CHUNK_KIB', 1024);
const ROUNDS = positiveIntEnv('ROUNDS', 2);
const STREAMS = positiveIntEnv('STREAMS', 1);
const TIMEOUT_MS = positiveIntEnv('TIMEOUT_S', 60) * 1000;

const backends = await pickBackends(process.env.BACKENDS);
const links = parseLinks(process.env.LINKS, 'loopback,0,20,50,20/1,50/1');

/** One transfer of `mib` MiB from side `a` to side `b`; its result, or `{error}`. */
function transferOnce(backend, a, b, mib) {
  const size = [String(mib), String(CHUNK_KIB)];
  return measurePair(
    backend,
    a,
    b,
    (port) => ['tcp-send', b.address, String(port), ...size],
    (...signaling) => ['rtc-send', ...signaling, ...size, String(STREAMS)],
    TIMEOUT_MS,
  );
}

function summarize(backend, link, mib, results) {
  const done = results.filter((r) => r.error === undefined);
  const run = { backend: backend.name, ...link, sizeMiB: mib, rounds: results.length };
  if (done.length === 0) return { ...run, MBps: null, error: results[0].error };
  const speeds = done.map((r) => mib / (r.ms / 1000));
  const sender = median(done.map((r) => r.senderCpuMs)) / mib;
  const receiver = median(done.map((r) => r.receiverCpuMs)) / mib;
  return {
    ...run,
    MBps: median(speeds),
    MBpsRounds: speeds,
    cpuMsPerMiB: { sender, receiver },
    oneCorePerEndMBps: 1000 / Math.max(sender, receiver),
    ...(done[0].connectMs === undefined ? {} : { connectMs: median(done.map((r) => r.connectMs)) }),
    ...(done[0].ranOn ? { ranOn: done[0].ranOn } : {}),
    ok: done.every((r) => r.ok),
    ...(done.length < results.length ? { failedRounds: results.length - done.length } : {}),
  };
}

const fmt = (n, digits = 1) => (n === null || n === undefined ? '—' : n.toFixed(digits));
function print(run, tcp) {
  const where = run.link === 'loopback' ? 'loopback' : `relay ${run.rttMs} ms`;
  const loss = run.lossPct ? ` ${run.lossPct} % loss` : '';
  const ratio = run.MBps && tcp?.MBps ? `  TCP/this ${fmt(tcp.MBps / run.MBps)}x` : '';
  const cpu = run.cpuMsPerMiB
    ? `  CPU ms/MiB send ${fmt(run.cpuMsPerMiB.sender)} recv ${fmt(run.cpuMsPerMiB.receiver)}` +
      ` → one core per end ${fmt(run.oneCorePerEndMBps)} MB/s`
    : '';
  const status = run.error ? `  FAILED: ${run.error}` : run.ok ? '' : '  HASH MISMATCH';
  console.log(
    `${run.backend.padEnd(16)} ${`${where}${loss}`.padEnd(22)} ${fmt(run.MBps).padStart(7)} MB/s${ratio}${cpu}${status}`,
  );
}

console.log(
  `file: ${SIZE_MIB} MiB on loopback, ${RELAY_SIZE_MIB} MiB through the relay ` +
    `(${LOSSY_SIZE_MIB} MiB with loss), written in ` +
    `${CHUNK_KIB} KiB pieces, median of ${ROUNDS} rounds`,
);
const runs = [];
const { skippedRelay } = await forEachLink(links, async (link, a, b) => {
  const mib =
    link.link === 'loopback' ? SIZE_MIB : link.lossPct > 0 ? LOSSY_SIZE_MIB : RELAY_SIZE_MIB;
  const results = new Map(backends.map((backend) => [backend.name, []]));
  // Backends alternate within each round, so that a noisy moment hits them alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const backend of backends) {
      if (!backend.skip) results.get(backend.name).push(await transferOnce(backend, a, b, mib));
    }
  }
  let tcp;
  for (const backend of backends) {
    const run = backend.skip
      ? { backend: backend.name, ...link, MBps: null, skipped: backend.skip }
      : summarize(backend, link, mib, results.get(backend.name));
    if (backend.name === 'tcp') tcp = run;
    runs.push(run);
    print(run, tcp);
  }
});
writeResults('transfer', {
  options: { SIZE_MIB, RELAY_SIZE_MIB, LOSSY_SIZE_MIB, CHUNK_KIB, ROUNDS, STREAMS },
  ...(skippedRelay ? { skippedRelay } : {}),
  runs,
});
if (runs.some((run) => run.ok === false)) process.exit(1);
