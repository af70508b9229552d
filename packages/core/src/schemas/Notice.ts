import { z } from 'zod';
import { ModelVersionSchema } from './Experiment.js';

/**
 * What a worker pushes to the connections that subscribed to it, outside any job:
 * `model.activated` when a model version became the active one (`model.subscribe`).
 */
export const NoticeSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('model.activated'),
    model: ModelVersionSchema,
    /** The version that was active before, if any. */
    previousVersion: z.number().int().positive().optional(),
  }),
]);

/** A pushed notice. */
export type Notice = z.infer<typeof NoticeSchema>;
