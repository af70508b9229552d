import { z } from 'zod';

const v = z.literal(1);
const candidate = z.object({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().nonnegative().max(64).nullable().optional(),
});

/**
 * What two peers relay through signaling (`signal.data`, version 1) to set up one link:
 * offers, answers and ICE candidates of an `attempt`, and `bye`.
 */
export const LinkSignalSchema = z.discriminatedUnion('kind', [
  z.object({
    v,
    link: z.string().min(1).max(64),
    kind: z.enum(['offer', 'answer']),
    attempt: z.number().int().nonnegative(),
    sdp: z.string().max(60_000),
    /** The largest UDP datagram the sender reads whole, where its backend knows it. */
    datagram: z.number().int().min(576).max(65_535).optional(),
  }),
  z.object({
    v,
    link: z.string().min(1).max(64),
    kind: z.literal('candidate'),
    attempt: z.number().int().nonnegative(),
    candidate,
  }),
  z.object({ v, link: z.string().min(1).max(64), kind: z.literal('bye') }),
]);
/** An offer, answer, ICE candidate or bye of one link. */
export type LinkSignal = z.infer<typeof LinkSignalSchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A link signal before `v` and `link` are added. */
export type LinkSignalInit = DistributiveOmit<LinkSignal, 'v' | 'link'>;
