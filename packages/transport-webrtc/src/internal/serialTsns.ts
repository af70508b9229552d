import type { SackChunk, SctpAssociation, SctpChunk } from './weriftSctp.js';

// werift 0.24 keeps the TSNs received past a gap in a Set and orders them with
// `[...set].sort()`, which compares numbers as strings: 1000000000 sorts before 999999999.
// If a packet is lost while the TSNs cross a power of ten (or wrap at 2^32), the
// cumulative TSN stops advancing and the association stalls; the SACK's gap blocks come
// out of order too. This keeps the same state in TSN serial-number order (RFC 1982)
// instead, and advances the cumulative TSN by lookups rather than a sort per chunk.

const MODULO = 2 ** 32;
const HALF = 2 ** 31;
const SACK = 3;
/** Gap blocks per SACK, so that it stays well inside one 1200-byte packet. */
const MAX_GAP_BLOCKS = 200;

/** Whether TSN `a` comes after `b` (serial-number arithmetic). */
export const tsnAfter = (a: number, b: number): boolean =>
  a !== b && (a - b + MODULO) % MODULO < HALF;

const nextTsn = (tsn: number) => (tsn + 1) % MODULO;
const isSack = (chunk: SctpChunk): chunk is SackChunk => chunk.type === SACK;

/**
 * Gap Ack Blocks of a SACK (RFC 9260 §3.3.4): runs of TSNs received past `cumulative`,
 * as offsets from it, in increasing order.
 */
export function gapBlocks(cumulative: number, received: Iterable<number>): Array<[number, number]> {
  const offsets = [...received]
    .map((tsn) => (tsn - cumulative + MODULO) % MODULO)
    .filter((offset) => offset > 0 && offset <= 0xffff)
    .sort((a, b) => a - b);
  const blocks: Array<[number, number]> = [];
  for (const offset of offsets) {
    const last = blocks.at(-1);
    if (last && offset === last[1] + 1) last[1] = offset;
    else if (blocks.length === MAX_GAP_BLOCKS) break;
    else blocks.push([offset, offset]);
  }
  return blocks;
}

/** Replaces werift's `markReceived` and corrects the gap blocks of each SACK it sends. */
export function orderTsnsSerially(sctp: SctpAssociation): void {
  sctp.markReceived = (tsn) => {
    if (!tsnAfter(tsn, sctp.lastReceivedTsn) || sctp.sackMisOrdered.has(tsn)) {
      sctp.sackDuplicates.push(tsn);
      return true;
    }
    sctp.sackMisOrdered.add(tsn);
    for (let n = nextTsn(sctp.lastReceivedTsn); sctp.sackMisOrdered.has(n); n = nextTsn(n)) {
      sctp.sackMisOrdered.delete(n);
      sctp.lastReceivedTsn = n;
    }
    // As werift does: forget duplicates the cumulative TSN has passed.
    sctp.sackDuplicates = sctp.sackDuplicates.filter((d) => tsnAfter(d, sctp.lastReceivedTsn));
    return false;
  };
  const sendChunk = sctp.sendChunk.bind(sctp);
  sctp.sendChunk = (chunk: SctpChunk) => {
    if (isSack(chunk)) chunk.gaps = gapBlocks(chunk.cumulativeTsn, sctp.sackMisOrdered);
    return sendChunk(chunk);
  };
}
