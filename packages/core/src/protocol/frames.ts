import { z } from 'zod';
import { JobErrorSchema, JobEventSchema } from '../schemas/JobEvent.js';
import { NoticeSchema } from '../schemas/Notice.js';

/** Version of the control-frame protocol; every frame carries it as `v`. */
export const PROTOCOL_VERSION = 1;

const v = z.literal(PROTOCOL_VERSION, {
  error: `unsupported protocol version; this peer speaks v${PROTOCOL_VERSION}`,
});
const id = z.string().min(1).max(64);

/**
 * A request: `method` with `params` (required: `{}` for a method that takes none; a
 * request without it is answered `bad_params`); answered by a response with the same `id`.
 */
export const RequestFrameSchema = z.object({
  v,
  type: z.literal('request'),
  id,
  method: z.string().min(1).max(64),
  params: z.unknown(),
});

/** The answer to a request. */
export const ResponseFrameSchema = z.discriminatedUnion('ok', [
  z.object({ v, type: z.literal('response'), id, ok: z.literal(true), result: z.unknown() }),
  z.object({ v, type: z.literal('response'), id, ok: z.literal(false), error: JobErrorSchema }),
]);

/** A job event pushed by a worker to the clients attached to the job. */
export const EventFrameSchema = z.object({ v, type: z.literal('event'), event: JobEventSchema });

/** A notice pushed by a worker to the connections subscribed to it (`model.subscribe`). */
export const NoticeFrameSchema = z.object({ v, type: z.literal('notice'), notice: NoticeSchema });

/** Sent back for a frame that could not be read; `ref` is its id when one was found. */
export const ErrorFrameSchema = z.object({
  v,
  type: z.literal('error'),
  code: z.string().max(64),
  message: z.string().max(8192),
  ref: z.string().max(64).optional(),
  /** For `unsupported_version`: `{speaks, received}`, the two protocol versions. */
  details: z.record(z.string(), z.unknown()).optional(),
});

/** Any control frame. */
export const FrameSchema = z.union([
  RequestFrameSchema,
  ResponseFrameSchema,
  EventFrameSchema,
  NoticeFrameSchema,
  ErrorFrameSchema,
]);

/** A request frame. */
export type RequestFrame = z.infer<typeof RequestFrameSchema>;
/** A response frame. */
export type ResponseFrame = z.infer<typeof ResponseFrameSchema>;
/** An event frame. */
export type EventFrame = z.infer<typeof EventFrameSchema>;
/** A notice frame. */
export type NoticeFrame = z.infer<typeof NoticeFrameSchema>;
/** An error frame. */
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;
/** Any control frame. */
export type Frame = z.infer<typeof FrameSchema>;
