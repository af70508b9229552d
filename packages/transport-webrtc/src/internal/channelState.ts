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
