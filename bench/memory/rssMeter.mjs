// How much memory one process took during one step: RSS before (after a GC), the peak
// during, and after (after a GC). The peak is the kernel's own high-water mark (VmHWM in
// /proc/self/status, reset at the start through /proc/self/clear_refs), so a spike between
// two samples is not missed; the samples (every SAMPLE_MS) add what held the memory: the
// JS heap, or buffers outside it (`arrayBuffers`: chunks queued in a stream).
import { readFileSync, writeFileSync } from 'node:fs';

const MiB = 1024 * 1024;

/** The kernel's peak RSS of this process in bytes, or undefined where /proc has none. */
function highWaterMark() {
  try {
    const kib = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return kib ? Number(kib[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Sets VmHWM back to the current RSS (Linux ≥ 4.0); false where it cannot. */
function resetHighWaterMark() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A full GC (the process runs with --expose-gc), then a moment for the allocator to return pages. */
async function settle() {
  globalThis.gc?.();
  await sleep(300);
  globalThis.gc?.();
  await sleep(200);
}

/**
 * A meter for one step at a time: `start()` before it, `stop()` after; `peek()` in between.
 * @example
 *   const meter = createRssMeter(100); await meter.start(); await work(); const m = await meter.stop();
 */
export function createRssMeter(sampleMs) {
  let step;
  const sample = () => {
    const now = performance.now();
    const usage = process.memoryUsage();
    step.samples++;
    step.maxGapMs = Math.max(step.maxGapMs, now - step.lastAt);
    step.lastAt = now;
    step.peakSampled = Math.max(step.peakSampled, usage.rss);
    step.peakHeapUsed = Math.max(step.peakHeapUsed, usage.heapUsed);
    step.peakArrayBuffers = Math.max(step.peakArrayBuffers, usage.arrayBuffers);
    step.peakExternal = Math.max(step.peakExternal, usage.external);
  };
  return {
    async start() {
      await settle();
      const usage = process.memoryUsage();
      const hwmReset = resetHighWaterMark();
      step = {
        baseline: usage.rss,
        baselineHeapUsed: usage.heapUsed,
        baselineArrayBuffers: usage.arrayBuffers,
        hwmReset,
        samples: 0,
        maxGapMs: 0,
        lastAt: performance.now(),
        peakSampled: usage.rss,
        peakHeapUsed: usage.heapUsed,
        peakArrayBuffers: usage.arrayBuffers,
        peakExternal: usage.external,
      };
      step.timer = setInterval(sample, sampleMs);
      return { baselineMiB: usage.rss / MiB };
    },
    /** RSS now and the peak so far, in MiB (for a progress line). */
    peek() {
      if (!step) return undefined;
      const hwm = step.hwmReset ? highWaterMark() : undefined;
      return {
        rssMiB: process.memoryUsage.rss() / MiB,
        peakMiB: Math.max(hwm ?? 0, step.peakSampled) / MiB,
      };
    },
    async stop() {
      if (!step) throw new Error('meter-stop without meter-start');
      sample();
      clearInterval(step.timer);
      const hwm = step.hwmReset ? highWaterMark() : undefined;
      const peak = Math.max(hwm ?? 0, step.peakSampled);
      const done = step;
      step = undefined;
      await settle();
      const after = process.memoryUsage();
      return {
        baselineMiB: done.baseline / MiB,
        peakMiB: peak / MiB,
        afterMiB: after.rss / MiB,
        growthMiB: (peak - done.baseline) / MiB,
        peakFrom: hwm !== undefined && hwm >= done.peakSampled ? 'VmHWM' : 'samples',
        peakSampledMiB: done.peakSampled / MiB,
        heapUsedGrowthMiB: (done.peakHeapUsed - done.baselineHeapUsed) / MiB,
        arrayBuffersGrowthMiB: (done.peakArrayBuffers - done.baselineArrayBuffers) / MiB,
        // After the GC: what is still held (near 0 here and RSS still up: the allocator
        // keeps pages it got back; not a leak in JS).
        heapUsedAfterGrowthMiB: (after.heapUsed - done.baselineHeapUsed) / MiB,
        arrayBuffersAfterGrowthMiB: (after.arrayBuffers - done.baselineArrayBuffers) / MiB,
        samples: done.samples,
        maxSampleGapMs: done.maxGapMs,
      };
    },
  };
}
