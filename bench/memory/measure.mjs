// What memory.bench measures in one direction, and how it prints it: both ends' meters
// around one transfer, a progress line every 10 s (kept as a series, the evidence of
// whether RSS grows with the bytes moved or levels off), and the record of the result.
import { BACKENDS } from '../transfer/backends.mjs';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** `n` with `digits` decimals, or — when it is not a number. */
export const fmt = (n, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : '—');
/** Bytes as GiB, two decimals below 1 GiB. */
export const gib = (bytes) => `${fmt(bytes / GiB, bytes < GiB ? 2 : 1)} GiB`;

/**
 * The WebRTC backends named in `list` (default werift, node-datachannel), each with `skip`
 * set to why it cannot load here, if so.
 * @throws Error naming BENCH_MEMORY_BACKENDS and the known names, for another name.
 */
export async function pickBackends(list) {
  const usable = ['werift', 'node-datachannel'];
  const names = list?.trim() ? list.split(',').map((name) => name.trim()) : usable;
  const unknown = names.filter((name) => !usable.includes(name));
  if (unknown.length > 0)
    throw new Error(
      `BENCH_MEMORY_BACKENDS names ${unknown.join(', ')}; known: ${usable.join(', ')}`,
    );
  return Promise.all(
    names.map(async (name) => {
      const { module } = BACKENDS[name];
      if (module) {
        try {
          await import(module);
        } catch (error) {
          return { name, skip: `${module} does not load here: ${error.message}` };
        }
      }
      return { name };
    }),
  );
}

/**
 * Runs `work` with both ends' meters on, and a progress line (kept in `series`) every
 * 10 s. Resolves with the meters and `work`'s result or error: a transfer that failed or
 * timed out still reports the memory it took.
 */
export async function measureStep(label, client, worker, work, size) {
  const ends = [client, worker];
  await Promise.all(ends.map((end) => end.call('meter-start')));
  const start = performance.now();
  const series = [];
  const progress = setInterval(async () => {
    const [c, w] = await Promise.all(ends.map((end) => end.call('peek').catch(() => undefined)));
    const point = {
      s: Math.round((performance.now() - start) / 1000),
      bytes: Math.max(c?.bytes ?? 0, w?.bytes ?? 0),
      clientRssMiB: c?.rssMiB,
      workerRssMiB: w?.rssMiB,
    };
    series.push(point);
    console.log(
      `  … ${label}: ${gib(point.bytes)} of ${gib(size)} in ${point.s} s; ` +
        `RSS client ${fmt(c?.rssMiB, 0)} MiB (peak ${fmt(c?.peakMiB, 0)}), ` +
        `worker ${fmt(w?.rssMiB, 0)} MiB (peak ${fmt(w?.peakMiB, 0)})`,
    );
  }, 10_000);
  let result;
  let error;
  try {
    result = await work();
  } catch (caught) {
    error = caught.message;
  } finally {
    clearInterval(progress);
  }
  const ms = performance.now() - start;
  const [clientMeter, workerMeter] = await Promise.all(ends.map((end) => end.call('meter-stop')));
  return { result, error, ms, client: clientMeter, worker: workerMeter, series };
}

/** One direction's record: speed, both ends' RSS, the aim. */
export function recordStep(direction, run, size, aimMiB, extra = {}) {
  const MBps = run.error ? null : size / MiB / (run.ms / 1000);
  const met = !run.error && run.client.growthMiB < aimMiB && run.worker.growthMiB < aimMiB;
  return {
    direction,
    MBps,
    ms: run.ms,
    client: run.client,
    worker: run.worker,
    met,
    ...extra,
    ...(run.error ? { error: run.error } : {}),
    series: run.series,
  };
}

/** One line: MB/s, both ends' RSS before → peak (growth), their ratio to TCP's, the verdict. */
export function print(name, r, tcp) {
  const end = (m) => `${fmt(m.baselineMiB, 0)} → ${fmt(m.peakMiB, 0)} MiB (+${fmt(m.growthMiB)})`;
  const ratio = (side) =>
    tcp && tcp[side].growthMiB > 0 ? ` ${fmt(r[side].growthMiB / tcp[side].growthMiB)}× TCP` : '';
  const verdict = r.error
    ? `FAILED: ${r.error}`
    : r.ok === false
      ? 'HASH MISMATCH'
      : r.met
        ? 'aim met'
        : 'aim NOT met';
  console.log(
    `${name.padEnd(16)} ${r.direction.padEnd(8)} ${fmt(r.MBps).padStart(6)} MB/s  ` +
      `client ${end(r.client)}${ratio('client')}  worker ${end(r.worker)}${ratio('worker')}  ${verdict}`,
  );
}
