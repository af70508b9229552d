import type { EpochRecord } from '@trainwire/core';
import { type Ref, useEffect, useImperativeHandle, useRef, useState } from 'react';
import type uPlot from 'uplot';
import type { LossChartHandle } from '../LossChartHandle.js';
import type { BatchLossSeries } from './BatchLossSeries.js';
import { FrameScheduler } from './FrameScheduler.js';
import { joinBuffers, joinColumns } from './joinColumns.js';
import { LossSeries } from './LossSeries.js';

export interface LossChartProps {
  history: readonly EpochRecord[];
  /** Batch losses, drawn thin between the epoch points; `batchCount` says when they grew. */
  batches: BatchLossSeries;
  batchCount: number;
  /** Best validation loss (0-based epoch, as the core counts), for the marker. */
  best: { epoch: number; value: number } | undefined;
  logScale: boolean;
  label: string;
  width?: number | undefined;
  height?: number | undefined;
  chartRef?: Ref<LossChartHandle> | undefined;
}

/** True where a 2D canvas exists (not in happy-dom or jsdom without a canvas package). */
function canvasAvailable(): boolean {
  if (typeof document === 'undefined') return false;
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

const TRAIN = '#1f77b4';
const VAL = '#ff7f0e';
const BATCH = 'rgba(31, 119, 180, 0.45)';

/**
 * The live loss chart: uPlot over typed arrays appended to as epochs and batches arrive
 * (train and val loss per epoch, batch loss between them), redrawn at most once per
 * animation frame. Where no canvas exists it renders only its data handle.
 */
export function LossChart({
  history,
  batches,
  batchCount,
  best,
  logScale,
  label,
  width = 640,
  height = 280,
  chartRef,
}: LossChartProps) {
  const series = useRef(new LossSeries()).current;
  const frames = useRef(new FrameScheduler()).current;
  const target = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const bestRef = useRef<{ epoch: number; value: number } | null>(null);
  const draws = useRef(0);
  const lastDrawAt = useRef<number | null>(null);
  const joined = useRef(joinBuffers()).current;
  const [drawing] = useState(canvasAvailable);
  const [points, setPoints] = useState(0);

  bestRef.current = best === undefined ? null : { epoch: best.epoch + 1, value: best.value };

  useImperativeHandle(
    chartRef,
    () => ({
      data: () => series.columns(),
      batches: () => batches.columns(),
      lastDrawAt: () => lastDrawAt.current,
      bestVal: () => bestRef.current,
      logScale: () => logScale,
      draws: () => draws.current,
      drawing: () => drawing,
    }),
    [series, batches, logScale, drawing],
  );

  useEffect(() => {
    const grew = series.sync(history);
    if (grew) setPoints(series.columns().epochs.length);
    const current = plot.current;
    if (current === null || (!grew && batchCount === 0)) return;
    frames.schedule(() =>
      current.setData(joinColumns(series.columns(), batches.columns(), joined)),
    );
  }, [history, batchCount, series, batches, frames, joined]);

  // A new plot when the scale changes (uPlot fixes a scale's distribution at creation).
  useEffect(() => {
    if (!drawing || target.current === null) return;
    let cancelled = false;
    const element = target.current;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      plot.current = new UPlot(
        {
          width,
          height,
          scales: { x: { time: false }, y: { distr: logScale ? 3 : 1 } },
          // Epochs are whole numbers: no tick at 1.2 or 1.4 on a short run.
          axes: [
            {
              label: 'Epoch',
              incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000],
            },
            { label: 'Loss' },
          ],
          series: [
            { label: 'Epoch' },
            { label: 'Train loss', stroke: TRAIN, width: 2, spanGaps: true },
            { label: 'Val loss', stroke: VAL, width: 2, spanGaps: true },
            { label: 'Batch loss', stroke: BATCH, width: 1, spanGaps: true },
          ],
          hooks: {
            draw: [
              (u) => {
                drawBestMarker(u, bestRef.current);
                draws.current++;
                lastDrawAt.current = performance.now();
              },
            ],
          },
        },
        joinColumns(series.columns(), batches.columns(), joined),
        element,
      );
    });
    return () => {
      cancelled = true;
      frames.dispose();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [drawing, logScale, width, height, series, batches, frames, joined]);

  return (
    <figure className="tw-loss-chart">
      <div
        ref={target}
        role="img"
        aria-label={`${label}: ${points} epoch(s), ${batchCount} batch point(s), ${logScale ? 'log' : 'linear'} scale`}
        data-testid="loss-chart"
        data-points={points}
        data-batch-points={batchCount}
      />
      {drawing ? null : (
        <figcaption>
          The chart needs a canvas, which this page does not have; {points} epoch(s) recorded.
        </figcaption>
      )}
    </figure>
  );
}

function drawBestMarker(u: uPlot, best: { epoch: number; value: number } | null): void {
  if (best === null) return;
  const x = u.valToPos(best.epoch, 'x', true);
  const y = u.valToPos(best.value, 'y', true);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  const { ctx } = u;
  ctx.save();
  ctx.fillStyle = VAL;
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.arc(x, y, 5 * devicePixelRatio, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}
