import type { JobSnapshot } from '@trainwire/core';
import { useEffect, useMemo, useState } from 'react';
import type { JobStore } from '../useJob.js';
import { BatchLossSeries } from './BatchLossSeries.js';

/**
 * The batch losses of a session, from its snapshot's bounded `batches` history (core's
 * `JobSession` keeps the last ones, so a monitor attached after a reload shows the batches
 * the worker replayed), appended to the chart's typed arrays; the count changes at most
 * once per animation frame. A new `restart` (a pipeline's next stage, whose batches core
 * numbers from 0 again) starts an empty series.
 */
export function useBatchLosses(
  session: JobStore,
  restart: number | string = 0,
): { series: BatchLossSeries; count: number } {
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new job or stage draws from scratch.
  const series = useMemo(() => new BatchLossSeries(), [session, restart]);
  const [count, setCount] = useState(0);
  useEffect(() => {
    let drawn = 0;
    let frame: number | null = null;
    const take = (snapshot: JobSnapshot) => {
      const { batches } = snapshot;
      // Fewer than drawn: the next stage began (this series is replaced on the next render).
      if (batches.total <= drawn) return;
      for (const point of batches.since(drawn)) series.add(point.epoch, point.batch, point.loss);
      drawn = batches.total;
      // A fast batch stream re-renders once per frame.
      frame ??= requestAnimationFrame(() => {
        frame = null;
        setCount(series.columns().x.length);
      });
    };
    take(session.getSnapshot());
    setCount(series.columns().x.length);
    const unsubscribe = session.subscribe(() => take(session.getSnapshot()));
    return () => {
      unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [session, series]);
  return { series, count };
}
