import type { ByteStreamWriter } from '../Transport.js';

/** A write under watch: see {@link writeWatched}. */
export interface WatchedWrite {
  /** Resolves with the bytes written once the writer made no progress for `stillMs`. */
  readonly stalled: Promise<number>;
  /** The whole write and the end. */
  readonly sending: Promise<void>;
}

/**
 * Writes `data` to `writer` in `piece`-sized writes and ends it, watching how far it got:
 * what a backpressure test asserts on when a reader holds the writer back.
 *
 * @example
 * ```ts
 * const watched = writeWatched(writer, new Uint8Array(16 << 20), 256 << 10, 200);
 * expect(await watched.stalled).toBeLessThanOrEqual(WINDOW + (256 << 10));
 * releaseReader();
 * await watched.sending;
 * ```
 */
export function writeWatched(
  writer: ByteStreamWriter,
  data: Uint8Array,
  piece: number,
  stillMs: number,
): WatchedWrite {
  let written = 0;
  const sending = (async () => {
    for (let at = 0; at < data.length; at += piece) {
      await writer.write(data.subarray(at, at + piece));
      written = Math.min(at + piece, data.length);
    }
    await writer.end();
  })();
  sending.catch(() => undefined);
  const stalled = (async () => {
    let last = -1;
    while (written !== last) {
      last = written;
      await new Promise((resolve) => setTimeout(resolve, stillMs));
    }
    return written;
  })();
  return { stalled, sending };
}
