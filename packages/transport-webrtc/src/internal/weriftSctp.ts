// Per-association changes to werift 0.24's SCTP, which set the speed of every transfer.
// Measured on a 256 MiB transfer between two processes (bench/transfer): werift spends
// most of its time on three things that SCTP does not require. A fourth change fixes
// how werift orders received TSNs (serialTsns.ts).
//
//  1. The receiver acknowledges every packet (`sackImmediate` is set for all new data),
//     so the sender decrypts and processes one SACK per 1200-byte packet. RFC 9260
//     §6.2 asks for a SACK for at least every second packet; that is what this does,
//     and an odd packet is acknowledged within 10 ms (werift's delayed SACK: 200 ms).
//  2. Each transmit scans the whole sent queue (~900 chunks in flight) for chunks
//     marked for retransmission. Only a SACK with gap reports or a T3 timeout marks
//     them, so the scan is skipped until one of those has happened.
//  3. Each arriving fragment rescans the stream's whole reassembly queue for a complete
//     message. A fragment that extends the newest message at the tail and is not its
//     last cannot complete anything, so the scan is skipped for it, provided the last
//     scan found nothing to deliver (after a delivery werift may leave a complete
//     message for its next scan, and that scan must happen).
//
// Only our own peers' associations change; what goes on the wire stays standard SCTP,
// so a browser peer (or any other stack) on the far side is unaffected. Every change
// wraps a werift method with the behaviour above and defers to werift otherwise; if a
// werift release no longer has the shape relied on here, nothing is changed.

import { orderTsnsSerially } from './serialTsns.js';

const LAST_FRAGMENT = 0x01;
const FIRST_FRAGMENT = 0x02;
/** werift's fragment size (its `USERDATA_MAX_LENGTH`), sized for a 1280-byte path. */
const WERIFT_FRAGMENT = 1200;
/** Longest a SACK waits for a second packet (RFC 9260 allows up to 500 ms). */
const SACK_DELAY_MS = 10;
const UNORDERED = 0x04;

/** Any SCTP chunk werift sends; `type` is the chunk type (0 DATA, 3 SACK, …). */
export interface SctpChunk {
  readonly type: number;
}

interface DataChunk extends SctpChunk {
  tsn: number;
  flags: number;
  streamId: number;
  streamSeqNum: number;
  protocol: number;
  userData: Uint8Array;
  expiry?: number;
  maxRetransmits?: number;
  bookSize: number;
  sentCount: number;
  sentTime?: number;
  retransmit?: boolean;
}

/** werift's SACK chunk; its gap blocks are offsets from `cumulativeTsn`. */
export interface SackChunk extends SctpChunk {
  cumulativeTsn: number;
  gaps: Array<[number, number]>;
}

interface InboundStream {
  reassembly: DataChunk[];
  streamSequenceNumber: number;
  addChunk(chunk: DataChunk): void;
  popMessages(): Iterable<unknown>;
}

/** The fields and methods of werift's `SCTP` class this module reads or wraps. */
export interface SctpAssociation {
  isStopped: boolean;
  sackNeeded: boolean;
  sackImmediate: boolean;
  sackDuplicates: number[];
  sackMisOrdered: Set<number>;
  lastReceivedTsn: number;
  sentQueue: DataChunk[];
  outboundQueue: DataChunk[];
  forwardTsnChunk?: unknown;
  fastRecoveryExit?: number;
  flightSize: number;
  cwnd: number;
  readonly peerRwnd: number;
  timer3Handle?: unknown;
  flush: { execute(): void; asPromise(): Promise<unknown> };
  localTsn: number;
  outboundStreamSeq: Record<number, number>;
  send(
    streamId: number,
    ppId: number,
    userData: Uint8Array,
    options?: { expiry?: number; maxRetransmits?: number; ordered?: boolean },
  ): Promise<void>;
  transmit(): Promise<void>;
  receiveDataChunk(chunk: DataChunk): void;
  receiveSackChunk(chunk: SackChunk): Promise<void>;
  scheduleSack(): Promise<void>;
  sendSack(): Promise<void>;
  transmitOnce(): Promise<void>;
  timer3Expired: () => void;
  timer3Start(): void;
  sendChunk(chunk: SctpChunk): Promise<void>;
  markReceived(tsn: number): boolean;
  flightSizeIncrease(chunk: DataChunk): void;
  getInboundStream(streamId: number): InboundStream;
}

const METHODS = [
  'receiveDataChunk',
  'receiveSackChunk',
  'scheduleSack',
  'sendSack',
  'transmitOnce',
  'timer3Expired',
  'timer3Start',
  'sendChunk',
  'flightSizeIncrease',
  'getInboundStream',
  'markReceived',
  'send',
  'transmit',
] as const;
const FIELDS = [
  'sentQueue',
  'outboundQueue',
  'sackMisOrdered',
  'sackDuplicates',
  'flush',
  'outboundStreamSeq',
] as const;

/** Whether `value` has everything this module relies on (werift 0.24's SCTP). */
export function isTunableSctp(value: unknown): value is SctpAssociation {
  if (typeof value !== 'object' || value === null) return false;
  const sctp = value as Record<string, unknown>;
  return (
    METHODS.every((name) => typeof sctp[name] === 'function') &&
    FIELDS.every((name) => sctp[name] !== undefined) &&
    typeof sctp.sackImmediate === 'boolean' &&
    typeof sctp.flightSize === 'number' &&
    typeof sctp.localTsn === 'number' &&
    typeof sctp.lastReceivedTsn === 'number'
  );
}

const tuned = new WeakSet<object>();

/** Applies the changes to one association, once; false when werift's shape differs. */
export function tuneSctp(value: unknown): boolean {
  if (!isTunableSctp(value)) return false;
  if (tuned.has(value)) return true;
  tuned.add(value);
  acknowledgeEverySecondPacket(value);
  skipIdleRetransmitScan(value);
  skipHopelessReassembly(value);
  orderTsnsSerially(value);
  return true;
}

function acknowledgeEverySecondPacket(sctp: SctpAssociation): void {
  const receiveDataChunk = sctp.receiveDataChunk.bind(sctp);
  sctp.receiveDataChunk = (chunk) => {
    const immediateBefore = sctp.sackImmediate;
    const duplicatesBefore = sctp.sackDuplicates.length;
    const gapBefore = sctp.sackMisOrdered.size > 0;
    receiveDataChunk(chunk);
    // New, in-order data: let handleData's packet count decide (every second packet).
    // A duplicate, a gap, or the chunk that fills one keeps werift's immediate SACK
    // (RFC 9260 §6.7), so the sender's loss recovery is not slowed.
    const inOrderAndNew =
      !gapBefore &&
      sctp.sackDuplicates.length === duplicatesBefore &&
      sctp.sackMisOrdered.size === 0;
    if (inOrderAndNew) sctp.sackImmediate = immediateBefore;
  };
  // The odd packet's SACK waits at most SACK_DELAY_MS (werift: 200 ms). One timer serves
  // every packet in that window; if a SACK went out meanwhile, sendSack has nothing to do.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const scheduleSack = sctp.scheduleSack.bind(sctp);
  sctp.scheduleSack = async () => {
    if (sctp.isStopped || !sctp.sackNeeded) return;
    if (sctp.sackImmediate) return scheduleSack();
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      sctp.sendSack().catch(() => undefined);
    }, SACK_DELAY_MS);
  };
}

function skipIdleRetransmitScan(sctp: SctpAssociation): void {
  // True while some chunk in the sent queue may be marked for retransmission.
  let mayRetransmit = false;
  const receiveSackChunk = sctp.receiveSackChunk.bind(sctp);
  sctp.receiveSackChunk = (chunk) => {
    if (chunk.gaps.length > 0) mayRetransmit = true;
    return receiveSackChunk(chunk);
  };
  const timer3Expired = sctp.timer3Expired;
  sctp.timer3Expired = () => {
    mayRetransmit = true;
    timer3Expired();
  };
  const transmitOnce = sctp.transmitOnce.bind(sctp);
  sctp.transmitOnce = async () => {
    if (sctp.isStopped) return;
    if (mayRetransmit || sctp.forwardTsnChunk) {
      await transmitOnce();
      mayRetransmit = sctp.sentQueue.some((chunk) => chunk.retransmit);
      return;
    }
    await transmitNewData(sctp);
  };
}

/** werift's transmit for the case of nothing to retransmit: new chunks within the windows. */
async function transmitNewData(sctp: SctpAssociation): Promise<void> {
  // RFC 9260 §6.1 rule C, with werift's burst limit of four chunks (two in fast recovery).
  const burst =
    (sctp.fastRecoveryExit === undefined ? 4 : 2) * (fragmentSizes.get(sctp) ?? WERIFT_FRAGMENT);
  const window = Math.min(sctp.flightSize + burst, sctp.cwnd);
  while (sctp.outboundQueue.length > 0 && sctp.flightSize < window && sctp.peerRwnd > 0) {
    const chunk = sctp.outboundQueue[0]!;
    if (chunk.bookSize > sctp.peerRwnd && sctp.flightSize > 0) break;
    sctp.outboundQueue.shift();
    sctp.sentQueue.push(chunk);
    sctp.flightSizeIncrease(chunk);
    chunk.sentCount++;
    chunk.sentTime = Date.now() / 1000;
    await sctp.sendChunk(chunk).catch(() => undefined);
    if (!sctp.timer3Handle) sctp.timer3Start();
  }
  sctp.flush.execute();
}

function skipHopelessReassembly(sctp: SctpAssociation): void {
  const seen = new WeakSet<InboundStream>();
  const getInboundStream = sctp.getInboundStream.bind(sctp);
  sctp.getInboundStream = (streamId) => {
    const stream = getInboundStream(streamId);
    if (!seen.has(stream)) {
      seen.add(stream);
      watchReassembly(stream);
    }
    return stream;
  };
}

function watchReassembly(stream: InboundStream): void {
  // werift's scan does not always leave the queue settled: after delivering a message it
  // carries on from there without looking for a new message's first fragment, so a
  // complete message behind it can wait for the next scan (werift's next arrival). A
  // skip is only sound on a queue that a fresh scan found nothing in, and that nothing
  // but addChunk has touched since (a FORWARD TSN moves the sequence number and prunes).
  let settled: { queue: DataChunk[]; length: number; ssn: number } | undefined;
  const settle = () => {
    settled = {
      queue: stream.reassembly,
      length: stream.reassembly.length,
      ssn: stream.streamSequenceNumber,
    };
  };
  const untouched = () =>
    settled !== undefined &&
    settled.queue === stream.reassembly &&
    settled.length === stream.reassembly.length &&
    settled.ssn === stream.streamSequenceNumber;
  const addChunk = stream.addChunk.bind(stream);
  stream.addChunk = (chunk) => {
    const tail = stream.reassembly.at(-1);
    const wasSettled = untouched();
    addChunk(chunk);
    const hopeless =
      wasSettled &&
      tail !== undefined &&
      stream.reassembly.at(-1) === chunk &&
      (chunk.flags & LAST_FRAGMENT) === 0 &&
      (chunk.flags & UNORDERED) === 0 &&
      (tail.flags & (LAST_FRAGMENT | UNORDERED)) === 0 &&
      tail.streamSeqNum === chunk.streamSeqNum;
    // The queue grew by a fragment that cannot complete anything: still settled.
    if (hopeless) settle();
    else settled = undefined;
  };
  const popMessages = stream.popMessages.bind(stream);
  stream.popMessages = function* () {
    if (untouched()) return;
    settled = undefined;
    let delivered = false;
    for (const message of popMessages()) {
      delivered = true;
      yield message;
    }
    // Only a scan that delivered nothing is known to leave nothing behind.
    if (!delivered) settle();
  };
}

/** Associations that fragment messages in other than werift's 1200 bytes, and the size. */
const fragmentSizes = new WeakMap<object, number>();

/**
 * Makes a tuned association (see {@link tuneSctp}) cut the messages it sends from now on
 * into fragments of up to `size` bytes, where werift cuts 1200, and size its bursts to
 * match. For a path with no MTU to fit (loopback) and a far end that reads datagrams of
 * `size` plus the SCTP and DTLS headers whole: werift spends its time per packet (a
 * cipher, a checksum, a `sendto` each), not per byte. Returns false, changing nothing,
 * for an association that is not tuned or not werift 0.24's.
 */
export function sendFragmentsOf(value: unknown, size: number): boolean {
  if (!isTunableSctp(value) || !tuned.has(value) || fragmentSizes.has(value)) return false;
  const sctp = value;
  fragmentSizes.set(sctp, size);
  const send = sctp.send;
  // werift's DataChunk class is not exported: learnt from a chunk werift made itself.
  type DataChunkClass = new (flags: number, body: undefined) => DataChunk;
  let DataChunkClass: DataChunkClass | undefined;
  sctp.send = async (streamId, ppId, userData, options = { ordered: true }) => {
    if (!DataChunkClass || userData.length <= WERIFT_FRAGMENT) {
      const sent = send(streamId, ppId, userData, options);
      const made = sctp.outboundQueue.at(-1) ?? sctp.sentQueue.at(-1);
      if (made?.type === 0) DataChunkClass ??= made.constructor as unknown as DataChunkClass;
      return sent;
    }
    // werift's send with `size` for 1200 (werift 0.24, sctp.ts `send`).
    const { expiry, maxRetransmits, ordered = true } = options;
    const streamSeqNum = ordered ? (sctp.outboundStreamSeq[streamId] ?? 0) : 0;
    const fragments = Math.ceil(userData.length / size);
    for (let i = 0; i < fragments; i++) {
      const chunk = new DataChunkClass(0, undefined);
      chunk.flags =
        (ordered ? 0 : UNORDERED) |
        (i === 0 ? FIRST_FRAGMENT : 0) |
        (i === fragments - 1 ? LAST_FRAGMENT : 0);
      chunk.tsn = sctp.localTsn;
      chunk.streamId = streamId;
      chunk.streamSeqNum = streamSeqNum;
      chunk.protocol = ppId;
      chunk.userData = userData.subarray(i * size, (i + 1) * size);
      chunk.bookSize = chunk.userData.length;
      chunk.expiry = expiry;
      chunk.maxRetransmits = maxRetransmits;
      sctp.localTsn = (sctp.localTsn + 1) % 2 ** 32;
      sctp.outboundQueue.push(chunk);
    }
    if (ordered) sctp.outboundStreamSeq[streamId] = (streamSeqNum + 1) & 0xffff;
    await sctp.transmit();
    while (sctp.outboundQueue.length > 0) await sctp.flush.asPromise();
  };
  return true;
}
