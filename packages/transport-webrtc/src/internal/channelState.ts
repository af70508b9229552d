import type { RtcChannel } from '../backends/RtcBackend.js';

/** What a W3C-shaped data channel (werift's, the browser's) has in common. */
type ChannelState = Pick<
  RtcChannel,
  'label' | 'protocol' | 'readyState' | 'bufferedAmount' | 'bufferedAmountLowThreshold'
>;

/**
 * An {@link RtcChannel} over a library channel that already has the W3C state names
 * (werift's, the browser's): the state read through to `channel`, and `methods`.
 */
export function w3cChannel(
  channel: ChannelState,
  methods: Omit<RtcChannel, keyof ChannelState>,
): RtcChannel {
  // Object.assign keeps the getters, where a spread would copy their values once.
  return Object.assign(stateOf(channel), methods);
}

function stateOf(channel: ChannelState): ChannelState {
  return {
    get label() {
      return channel.label;
    },
    get protocol() {
      return channel.protocol;
    },
    get readyState() {
      return channel.readyState;
    },
    get bufferedAmount() {
      return channel.bufferedAmount;
    },
    get bufferedAmountLowThreshold() {
      return channel.bufferedAmountLowThreshold;
    },
    set bufferedAmountLowThreshold(value: number) {
      channel.bufferedAmountLowThreshold = value;
    },
  };
}

/**
 * Sends a frame nobody waits on the outcome of (an ack, a `done`, a refusal, an abort, a
 * ping, a `bye`); false when the channel cannot carry it. A send can fail while the
 * channel still says `open`: the link is dropping, and node-datachannel's native side
 * closes between the state check and the send, reporting the close after. The close that
 * follows tells the rest: a throw here would instead reach whoever made the call (a
 * reader's write, read as `write_failed`; `close()`; or, from a callback, the process as
 * an unhandled rejection).
 */
export function sendIfOpen(channel: RtcChannel, frame: string | Uint8Array): boolean {
  if (channel.readyState !== 'open') return false;
  try {
    channel.send(frame);
    return true;
  } catch {
    return false;
  }
}
