// The chart latency page: a TrainingMonitor over a real JobSession fed by hand (as a
// worker's events arrive), with 10 000 epochs on the chart before measuring. Exposes
// `window.bench` for panel.bench.mjs.
import 'uplot/dist/uPlot.min.css';
import { JobSession } from '@trainwire/core';
import { type LossChartHandle, TrainingMonitor } from '@trainwire/ui-react';
import { createRef } from 'react';
import { createRoot } from 'react-dom/client';

const session = new JobSession({
  jobId: 'bench-1',
  spec: { profile: 'builtin', config: {}, inputs: {}, device: 'auto', tags: [] },
  link: { fetchEvents: async () => [], stop: async () => undefined, cancel: async () => undefined },
  workerName: 'bench',
  totalEpochs: 1_000_000,
});
let seq = 0;
const emit = (event: Record<string, unknown>) => {
  seq++;
  session.ingest({ jobId: 'bench-1', seq, ts: seq * 10, ...event } as never);
};
const epochEnd = (epoch: number) =>
  emit({
    type: 'progress',
    progress: {
      event: 'epoch_end',
      epoch,
      logs: { 'train/loss': 1 / (epoch + 1), 'val/loss': 1.1 / (epoch + 1) },
    },
  });

const chart = createRef<LossChartHandle>();
createRoot(document.getElementById('root')!).render(
  <TrainingMonitor session={session} chartRef={chart} />,
);
emit({ type: 'state', state: 'running' });

const nextFrame = () =>
  new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the chart has drawn after `since`; returns when (performance.now()). */
async function drawnAfter(since: number): Promise<number> {
  for (;;) {
    const at = chart.current?.lastDrawAt() ?? null;
    if (at !== null && at >= since) return at;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

let epoch = 0;
(window as unknown as { bench: unknown }).bench = {
  /** Fills the chart with `n` epochs in one burst and waits for it to show them. */
  async fill(n: number) {
    const start = performance.now();
    for (let i = 0; i < n; i++) epochEnd(epoch++);
    await drawnAfter(start);
    return chart.current!.data().epochs.length;
  },
  /** One epoch event at a random moment of the frame; ms until the chart has drawn it. */
  async sample() {
    await sleep(Math.random() * 20);
    const t0 = performance.now();
    epochEnd(epoch++);
    const at = await drawnAfter(t0);
    return at - t0;
  },
  /** The floor: from a random moment to the next animation frame, drawing nothing. */
  async frameWait() {
    await sleep(Math.random() * 20);
    const t0 = performance.now();
    return (await nextFrame()) - t0;
  },
  points: () => chart.current!.data().epochs.length,
};
