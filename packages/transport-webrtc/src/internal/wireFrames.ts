import { z } from 'zod';

/** Version of the data-channel and link-signal frames. */
export const WIRE_VERSION = 1;
const v = z.literal(WIRE_VERSION);

/** Data-channel protocol names (the `protocol` of each channel). */
export const CONTROL_PROTOCOL = 'trainwire-control/1';
export const BYTES_PROTOCOL = 'trainwire-bytes/1';

export const ByteStreamHeaderSchema = z.object({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(1024),
  size: z.number().int().nonnegative(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  offset: z.number().int().nonnegative(),
});

/** Text frames on a byte-stream channel (binary messages there are the file's bytes). */
export const BytesFrameSchema = z.discriminatedUnion('type', [
  z.object({ v, type: z.literal('header'), header: ByteStreamHeaderSchema }),
  z.object({ v, type: z.literal('end'), sent: z.number().int().nonnegative() }),
  z.object({ v, type: z.literal('abort'), reason: z.string().max(1024) }),
  z.object({ v, type: z.literal('ack'), received: z.number().int().nonnegative() }),
  z.object({ v, type: z.literal('done'), received: z.number().int().nonnegative() }),
  z.object({
    v,
    type: z.literal('error'),
    code: z.string().max(64),
    message: z.string().max(1024),
  }),
]);
export type BytesFrame = z.infer<typeof BytesFrameSchema>;

/** Binary frames on the control channel (text there is the application's). */
export const ControlFrameSchema = z.discriminatedUnion('type', [
  z.object({ v, type: z.literal('bye') }),
  z.object({ v, type: z.literal('ping') }),
]);

export {
  type LinkSignal,
  type LinkSignalInit,
  LinkSignalSchema,
} from '../LinkSignal.js';

export function encodeFrame(frame: Record<string, unknown>): string {
  return JSON.stringify({ v: WIRE_VERSION, ...frame });
}

export function parseJson<S extends z.ZodType>(schema: S, text: string): z.output<S> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
