import type { Observable } from 'rxjs';

/** `connecting` → `open` ⇄ `reconnecting` → `closed` (final). */
export type TransportStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Describes a byte stream (a file, or the rest of one) before its first byte. */
export interface ByteStreamHeader {
  /** Transfer id, unique per transport; a resumed transfer reuses it. */
  id: string;
  /** File name; any Unicode, spaces and colons allowed. */
  name: string;
  /** Size of the whole file in bytes. */
  size: number;
  /** SHA-256 of the whole file, lowercase hex, when known. */
  sha256?: string;
  /** Byte offset this stream starts at (non-zero when resuming). */
  offset: number;
}

/** The sending end of a byte stream. */
export interface ByteStreamWriter {
  readonly header: ByteStreamHeader;
  /** Resolves when the transport can take more (backpressure). Any chunk size. */
  write(chunk: Uint8Array): Promise<void>;
  /** Resolves once every byte was handed to the transport and the end was signalled. */
  end(): Promise<void>;
  /** Stops the stream; the receiver's `chunks$` errors with `reason`. */
  abort(reason: string): void;
}

/** The receiving end of a byte stream. */
export interface ByteStreamReader {
  readonly header: ByteStreamHeader;
  /** The bytes, in order; completes at the end, errors when the sender aborts or the link drops. */
  readonly chunks$: Observable<Uint8Array>;
  /**
   * Turns the stream down (a transfer nobody announced): the sender's `write`/`end` reject
   * with `code` and `message`, and the bytes are not read. Optional: a transport without it
   * can only let the stream be read and dropped.
   */
  refuse?(code: string, message: string): void;
  /**
   * Backpressure from the reader: called from `chunks$`'s `next` with the write of that
   * chunk (a disk write), it says the chunk is not taken until `pending` settles. The
   * transport confirms only taken bytes, and the sender's `write` waits while a window of
   * them is unconfirmed, so a reader slower than the link slows the sender rather than
   * buffering the difference. A rejected `pending` turns the stream down (`refuse`).
   * Optional: without it, a chunk is taken as `next` returns.
   */
  hold?(pending: Promise<unknown>): void;
}

/**
 * A link between one client and one worker. The memory transport, WebRTC in Node and
 * WebRTC in a browser implement it; the core's compliance suite
 * (`@trainwire/core/testing`) checks that they behave the same.
 *
 * Control messages are text (JSON frames, see `docs/protocol.md`), reliable and ordered
 * while the transport is `open`; messages sent around a reconnection may be lost, which
 * the protocol repairs (`seq` numbers, idempotent requests). File bytes travel as byte
 * streams, never inside control messages.
 */
export interface Transport {
  /** A name for logs and for per-target policies (e.g. the worker's peer id). */
  readonly id: string;
  /** Current status, replayed to new subscribers. */
  readonly status$: Observable<TransportStatus>;
  /** Inbound control messages, unvalidated: the receiver parses them. */
  readonly messages$: Observable<string>;
  /** Inbound byte streams. */
  readonly byteStreams$: Observable<ByteStreamReader>;
  /** Largest control message, in UTF-8 bytes, this transport carries. */
  readonly maxMessageSize: number;
  /** Resolves once `open`; rejects with a `TransportError` if it cannot be opened. */
  connect(): Promise<void>;
  /**
   * Sends one control message. Throws a `TransportError` with code
   * `transport_not_open` unless `open`, and `message_too_large` above `maxMessageSize`.
   */
  send(message: string): void;
  /** Opens an outbound byte stream; rejects unless `open`. */
  openByteStream(header: ByteStreamHeader): Promise<ByteStreamWriter>;
  /** Closes for good; `status$` ends with `closed`. */
  close(): Promise<void>;
}
