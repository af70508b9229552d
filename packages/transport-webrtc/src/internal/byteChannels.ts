import {
  type ByteStreamHeader,
  type ByteStreamReader,
  type ByteStreamWriter,
  type PacedChunks,
  pacedChunks,
  TransportError,
} from '@trainwire/core';
import type { ByteChannelTuning } from '../ByteChannelTuning.js';
import { sendIfOpen } from './channelState.js';
import type { RtcChannel, RtcPeer } from './rtcTypes.js';
import { BYTES_PROTOCOL, BytesFrameSchema, encodeFrame, parseJson } from './wireFrames.js';

export type { ByteChannelTuning } from '../ByteChannelTuning.js';

const DEFAULT_WINDOW = 16 * 1024 * 1024;
/** A sender whose window stays full this long, with no ack, gives up (`transfer_stalled`). */
const DEFAULT_STALL_MS = 120_000;
/** A refused stream's channel is closed by its sender; past this, by the receiver. */
const REFUSE_CLOSE_MS = 2_000;

export const DEFAULT_TUNING: ByteChannelTuning = {
  chunkSize: 256 * 1024,
  highWaterMark: 4 * 1024 * 1024,
  lowWaterMark: 1024 * 1024,
  ackEvery: 4 * 1024 * 1024,
  window: DEFAULT_WINDOW,
};

/** The sender's window: never under two acks' worth, or an ack could never come. */
function windowOf(tuning: ByteChannelTuning): number {
  return Math.max(tuning.window ?? DEFAULT_WINDOW, 2 * tuning.ackEvery);
}

const dropped = (what: string) =>
  new TransportError('transport_not_open', `the link dropped during ${what}`);
/** The link under a transfer went away: says which transfer, and why. */
const stopped = (id: string | undefined, reason: string) =>
  new TransportError('transport_not_open', `transfer ${id ?? '(no header)'} stopped: ${reason}`);

/** The receiving side of one byte-stream channel. Returns a function failing it. */
export function receiveByteChannel(
  channel: RtcChannel,
  tuning: ByteChannelTuning,
  onStream: (reader: ByteStreamReader) => void,
  onProblem: (code: string, message: string) => void,
): (reason: string) => void {
  let paced: PacedChunks | undefined;
  let header: ByteStreamHeader | undefined;
  let received = 0;
  let acked = 0;
  let finished = false;
  const fail = (error: Error) => {
    if (finished) return;
    finished = true;
    paced?.error(error);
  };
  const refuse = (code: string, message: string) => {
    onProblem(code, message);
    fail(new TransportError('protocol_error', message));
    if (!sendIfOpen(channel, encodeFrame({ type: 'error', code, message }))) {
      channel.close();
      return;
    }
    // The sender closes the channel once it read why; closed here at once, some backends
    // (node-datachannel) report the close to the sender before the frame that explains it.
    const late = setTimeout(() => channel.close(), REFUSE_CLOSE_MS);
    channel.onClose(() => clearTimeout(late));
  };
  // Only bytes the reader took are confirmed: a slow reader holds the sender back.
  const confirm = (taken: number) => {
    if (taken - acked < tuning.ackEvery) return;
    if (sendIfOpen(channel, encodeFrame({ type: 'ack', received: taken }))) acked = taken;
  };
  channel.onMessage((data) => {
    if (finished) return;
    if (typeof data !== 'string') {
      if (!paced || !header) return refuse('bad_frame', 'bytes before the header frame');
      received += data.length;
      if (header.offset + received > header.size)
        return refuse(
          'bad_frame',
          `transfer ${header.id} sent more than its size of ${header.size}`,
        );
      paced.push(data);
      return;
    }
    const frame = parseJson(BytesFrameSchema, data);
    if (!frame) return refuse('bad_frame', 'unreadable byte-stream frame');
    if (frame.type === 'header') {
      if (header) return refuse('bad_frame', 'a second header frame');
      const current = frame.header;
      header = current;
      paced = pacedChunks({
        onConsumed: confirm,
        id: current.id,
        onRefuse: refuse,
      });
      onStream({
        header,
        chunks$: paced.chunks$,
        refuse: (code, message) => refuse(code, message),
        hold: paced.hold,
      });
    } else if (frame.type === 'end') {
      if (!paced || frame.sent !== received)
        return refuse('bad_frame', `end after ${frame.sent} bytes, but ${received} arrived`);
      finished = true;
      paced.complete();
      // `done` once the reader took every byte (its writes settled), not merely received.
      // The app may close the link the moment it read the last byte: then no `done`.
      paced.settled().then(
        () => sendIfOpen(channel, encodeFrame({ type: 'done', received })),
        () => undefined,
      );
    } else if (frame.type === 'abort') {
      fail(new TransportError('transport_closed', `sender aborted: ${frame.reason}`));
      channel.close();
    }
  });
  channel.onClose(() => fail(dropped(`transfer ${header?.id ?? '(no header)'}`)));
  return (reason) => fail(stopped(header?.id, reason));
}

/** A writer over a fresh data channel; `fail` breaks it when the link drops. */
export interface ChannelWriter extends ByteStreamWriter {
  /** Bytes the receiver confirmed (`ack`/`done`), counted from `header.offset`. */
  readonly confirmed: number;
  fail(reason: string): void;
}

/** Opens a byte-stream channel on `peer`, sends the header and resolves once open. */
export async function openByteChannel(
  peer: RtcPeer,
  header: ByteStreamHeader,
  tuning: ByteChannelTuning,
): Promise<ChannelWriter> {
  const channel = peer.createDataChannel(`bytes/${header.id}`, BYTES_PROTOCOL);
  const chunkSize = Math.max(1024, Math.min(tuning.chunkSize, peer.maxMessageSize()));
  channel.bufferedAmountLowThreshold = tuning.lowWaterMark;
  let broken: Error | undefined;
  let ended = false;
  let confirmed = 0;
  const window = windowOf(tuning);
  const stallMs = tuning.stallTimeoutMs ?? DEFAULT_STALL_MS;
  // Woken by bufferedamountlow (the channel drained) and by each ack (the window moved).
  const waiters = new Set<{ resolve(): void; reject(e: Error): void }>();
  const wake = () => {
    for (const waiter of waiters) waiter.resolve();
    waiters.clear();
  };
  let done: { resolve(): void; reject(e: Error): void } | undefined;
  let sent = 0;
  // Armed while the sender waits on the receiver (a full window, or the end's `done`), and
  // re-armed by each ack: a reader that stops taking bytes, and says nothing, does not
  // hold the sender for good.
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const disarm = () => {
    clearTimeout(watchdog);
    watchdog = undefined;
  };
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(
      () =>
        breakWith(
          new TransportError(
            'transfer_stalled',
            `transfer ${header.id} stalled: the receiver took no bytes for ${stallMs / 1000} s (${confirmed} of ${sent} sent confirmed); the transfer can be resumed`,
          ),
        ),
      stallMs,
    );
  };
  const breakWith = (error: Error) => {
    if (broken) return;
    broken = error;
    disarm();
    for (const waiter of waiters) waiter.reject(error);
    waiters.clear();
    done?.reject(error);
  };
  channel.onBufferedAmountLow(wake);
  channel.onMessage((data) => {
    if (typeof data !== 'string') return;
    const frame = parseJson(BytesFrameSchema, data);
    if (frame?.type === 'ack') {
      confirmed = Math.max(confirmed, frame.received);
      if (watchdog !== undefined) arm();
      wake();
    } else if (frame?.type === 'done') {
      confirmed = frame.received;
      done?.resolve();
    } else if (frame?.type === 'error') {
      breakWith(
        new TransportError('stream_refused', `receiver refused: ${frame.message}`, {
          details: { code: frame.code },
        }),
      );
      channel.close();
    }
  });
  channel.onClose(() => breakWith(dropped(`transfer ${header.id}`)));
  await new Promise<void>((resolve, reject) => {
    channel.onOpen(resolve);
    channel.onClose(() => reject(dropped(`transfer ${header.id}`)));
  });
  channel.send(encodeFrame({ type: 'header', header }));
  const check = () => {
    if (broken) throw broken;
    if (ended) throw new TransportError('transport_closed', `byte stream ${header.id} has ended`);
  };
  return {
    header,
    get confirmed() {
      return confirmed;
    },
    async write(chunk) {
      check();
      for (let at = 0; at < chunk.length; at += chunkSize) {
        while (channel.bufferedAmount > tuning.highWaterMark || sent - confirmed > window) {
          if (sent - confirmed > window) arm();
          await new Promise<void>((resolve, reject) => waiters.add({ resolve, reject }));
          disarm();
          check();
        }
        // A view, not a copy: every backend's send copies before it returns (RtcChannel).
        channel.send(chunk.subarray(at, at + chunkSize));
        sent += Math.min(chunkSize, chunk.length - at);
      }
    },
    async end() {
      check();
      ended = true;
      const finished = new Promise<void>((resolve, reject) => (done = { resolve, reject }));
      channel.send(encodeFrame({ type: 'end', sent }));
      arm();
      try {
        await finished;
      } finally {
        disarm();
      }
      channel.close();
    },
    abort(reason) {
      if (ended || broken) return;
      ended = true;
      sendIfOpen(channel, encodeFrame({ type: 'abort', reason }));
      breakWith(new TransportError('transport_closed', `aborted: ${reason}`));
    },
    fail: (reason) => breakWith(stopped(header.id, reason)),
  };
}
