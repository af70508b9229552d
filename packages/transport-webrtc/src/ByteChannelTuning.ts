/** Tuning of byte-stream channels. */
export interface ByteChannelTuning {
  /** Largest binary message; the negotiated max-message-size caps it. */
  chunkSize: number;
  /** `write` waits while more than this is queued in the channel. */
  highWaterMark: number;
  /** ...and resumes once the queue drains below this (`bufferedAmountLowThreshold`). */
  lowWaterMark: number;
  /** The receiver confirms every this many bytes its reader took (`ack`). */
  ackEvery: number;
  /**
   * `write` also waits while more than this is sent and not confirmed: the receiver's reader
   * (a disk) sets the pace. At least `2 × ackEvery`; 16 MiB by default, well above the
   * bandwidth-delay product of 40 MB/s at 100 ms.
   */
  window?: number;
  /**
   * Waiting on the receiver (a full window, or the `done` after `end`) with no ack for this
   * long, `write` / `end` reject with `transfer_stalled` (the receiver stopped reading and
   * said nothing); 120 000 ms by default.
   */
  stallTimeoutMs?: number;
}
