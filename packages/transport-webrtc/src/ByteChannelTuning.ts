/** Tuning of byte-stream channels. */
export interface ByteChannelTuning {
  /** Largest binary message; the negotiated max-message-size caps it. */
  chunkSize: number;
  /** `write` waits while more than this is queued in the channel. */
  highWaterMark: number;
  /** ...and resumes once the queue drains below this (`bufferedAmountLowThreshold`). */
  lowWaterMark: number;
  /** The receiver confirms every this many bytes (`ack`). */
  ackEvery: number;
}
