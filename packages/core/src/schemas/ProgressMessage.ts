import { z } from 'zod';

/**
 * Metric values by name, as trainers log them (`train/loss`, `val/loss`, `loss`, …).
 * Non-finite values (Python's `NaN`, `Infinity`) are kept as numbers; in trainwire's JSON
 * frames they are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`
 * (see {@link encodeJson}).
 */
export const MetricLogsSchema = z.record(
  z.string(),
  z.union([
    z
      .custom<number>((value) => typeof value === 'number', 'expected a number')
      .meta({ type: 'number' }), // its JSON Schema: `z.custom` has none
    z.null(),
    // JSON has no NaN or Infinity: on trainwire's wire they travel as these strings.
    z.enum(['NaN', 'Infinity', '-Infinity']).transform((text) => Number(text)),
  ]),
);

const base = { what: z.string().max(512).optional() };

/**
 * A progress message in the format sleap-nn's `ProgressReporterZMQ` and SLEAP's
 * `LossViewer` speak. `epoch` is 0-based, as Keras and Lightning count.
 */
export const ProgressMessageSchema = z.discriminatedUnion('event', [
  z.object({
    ...base,
    event: z.literal('train_begin'),
    /** Total epochs when the trainer knows it (an extension; viewers ignore it). */
    total_epochs: z.number().int().nonnegative().optional(),
    wandb_url: z.string().nullable().optional(),
  }),
  z.object({ ...base, event: z.literal('epoch_begin'), epoch: z.number().int().nonnegative() }),
  z.object({
    ...base,
    event: z.literal('epoch_end'),
    epoch: z.number().int().nonnegative(),
    logs: MetricLogsSchema.default({}),
  }),
  z.object({
    ...base,
    event: z.literal('batch_end'),
    epoch: z.number().int().nonnegative().optional(),
    batch: z.number().int().nonnegative(),
    logs: MetricLogsSchema.default({}),
    /**
     * A predict job's progress (an extension; viewers ignore it): items (frames, rows,
     * images) predicted so far, and of how many when known.
     */
    items_done: z.number().int().nonnegative().optional(),
    items_total: z.number().int().nonnegative().optional(),
  }),
  z.object({ ...base, event: z.literal('train_end') }),
]);

/** One progress message. */
export type ProgressMessage = z.infer<typeof ProgressMessageSchema>;
/** Metric values by name. */
export type MetricLogs = z.infer<typeof MetricLogsSchema>;
