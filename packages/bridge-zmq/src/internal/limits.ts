/**
 * High-water mark for every socket of this package. ZeroMQ's default (1000) silently
 * dropped 30–40% of a 100 000-message burst on a 2-core machine; a million keeps a
 * burst of that size whole while the reader catches up (at ~200 bytes a message, about
 * 200 MB at worst).
 */
export const HIGH_WATER_MARK = 1_000_000;

/** Most messages a publisher keeps in JavaScript before counting drops. */
export const MAX_QUEUED = 1_000_000;

/** Most messages a viewer feed keeps to replay a run to a viewer that appears late. */
export const MAX_HISTORY = 200_000;

/** How long a closing publisher keeps trying to deliver what it queued, in ms. */
export const CLOSE_LINGER_MS = 5_000;

/**
 * Largest frame a socket of this package accepts (ZMQ_MAXMSGSIZE); a peer that sends a
 * bigger one is disconnected by ZeroMQ. Progress messages are a few hundred bytes.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Most publisher streams (`trainwire_stream`) a trainer reader tracks to count lost
 * messages. One trainer has one, or a few processes; any PUB peer can name new ones, so
 * past this the oldest is forgotten instead of the map growing for ever.
 */
export const MAX_SEQ_STREAMS = 16;
