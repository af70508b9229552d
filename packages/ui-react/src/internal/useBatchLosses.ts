import type { JobSnapshot } from '@trainwire/core';
import { useEffect, useMemo, useState } from 'react';
import type { JobStore } from '../useJob.js';
import { BatchLossSeries } from './BatchLossSeries.js';

/**
 * The batch losses of a session, from its snapshot's bounded `batches` history (core's
 * `JobSession` keeps the last ones, so a monitor attached after a reload shows the batches
 * the worker replayed), appended to the chart's typed arrays; the count changes at most
 * once per animation frame.
 */
export function useBatchLosses(session: JobStore): { series: BatchLossSeries; count: number } {
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new job draws from scratch.
  const series = useMemo(() => new BatchLossSeries(), [session]);
  const [count, setCount] = useState(0);
  useEffect(() => {
    let drawn = 0;
    let frame: number | null = null;
    const take = (snapshot: JobSnapshot) => {
      const { batches } = snapshot;
      if (batches.total === drawn) return;
      for (const point of batches.since(drawn)) series.add(point.epoch, point.batch, point.loss);
      drawn = batches.total;
      // A fast batch stream re-renders once per frame.
      frame ??= requestAnimationFrame(() => {
        frame = null;
        setCount(series.columns().x.length);
      });
    };
    take(session.getSnapshot());
    const unsubscribe = session.subscribe(() => take(session.getSnapshot()));
    return () => {
      unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [session, series]);
  return { series, count };
}
