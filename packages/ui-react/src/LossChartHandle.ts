/**
 * What `TrainingMonitor`'s `chartRef` exposes: the exact columns handed to uPlot (epoch,
 * train loss, validation loss; `NaN` where an epoch has no value) and how often the chart
 * was drawn. Tests read it where there is no canvas; hosts may export the data from it.
 */
export interface LossChartHandle {
  /** Views of the chart's typed arrays, as uPlot got them at the last update. */
  data(): { epochs: Float64Array; train: Float64Array; val: Float64Array };
  /** The batch-loss points: x in epochs (epoch + share of it), loss. */
  batches(): { x: Float64Array; loss: Float64Array };
  /** `performance.now()` at the end of the last draw; null before one. */
  lastDrawAt(): number | null;
  /** The best validation loss the marker shows, by 1-based epoch; null before any. */
  bestVal(): { epoch: number; value: number } | null;
  /** Whether the y axis is logarithmic. */
  logScale(): boolean;
  /** Redraws so far (at most one per animation frame); 0 where no canvas exists. */
  draws(): number;
  /** Whether a canvas chart is drawn here (false in a DOM without canvas). */
  drawing(): boolean;
}
