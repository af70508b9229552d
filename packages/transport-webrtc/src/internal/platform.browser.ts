// Browser build of `#platform`: the browser's own RTCPeerConnection and WebSocket.
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  type Platform,
  type RtcChannel,
  type RtcOptions,
  type RtcPeer,
  type SessionDescription,
  type WebSocketLike,
} from './rtcTypes.js';

function createPeer(options: RtcOptions): RtcPeer {
  const pc = new RTCPeerConnection({ iceServers: options.iceServers ?? [] });
  const local = async () => {
    const applied = pc.localDescription!;
    return { type: applied.type, sdp: applied.sdp } as SessionDescription;
  };
  return {
    createDataChannel: (label, protocol) =>
      wrapChannel(pc.createDataChannel(label, { protocol, ordered: true })),
    onDataChannel: (cb) => pc.addEventListener('datachannel', (e) => cb(wrapChannel(e.channel))),
    onIceCandidate: (cb) =>
      pc.addEventListener('icecandidate', (e) => {
        if (!e.candidate?.candidate) return;
        const { candidate, sdpMid, sdpMLineIndex } = e.candidate;
        cb({ candidate, sdpMid, sdpMLineIndex });
      }),
    onConnectionState: (cb) =>
      pc.addEventListener('connectionstatechange', () => cb(pc.connectionState)),
    createOffer: async () => {
      await pc.setLocalDescription(await pc.createOffer());
      return local();
    },
    answer: async (offer) => {
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      return local();
    },
    acceptAnswer: (answer) => pc.setRemoteDescription(answer),
    addIceCandidate: (candidate) => pc.addIceCandidate(candidate),
    // The browser reports the smaller of both ends' limits.
    maxMessageSize: () => pc.sctp?.maxMessageSize || DEFAULT_MAX_MESSAGE_SIZE,
    close: () => pc.close(),
  };
}

function wrapChannel(channel: RTCDataChannel): RtcChannel {
  channel.binaryType = 'arraybuffer';
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
    send: (data) => channel.send(data as string & Uint8Array<ArrayBuffer>),
    close: () => channel.close(),
    onOpen: (cb) => {
      if (channel.readyState === 'open') queueMicrotask(cb);
      else channel.addEventListener('open', () => cb());
    },
    onClose: (cb) => channel.addEventListener('close', () => cb()),
    onMessage: (cb) =>
      channel.addEventListener('message', (e: MessageEvent) =>
        cb(typeof e.data === 'string' ? e.data : new Uint8Array(e.data as ArrayBuffer)),
      ),
    onBufferedAmountLow: (cb) => {
      const listener = () => cb();
      channel.addEventListener('bufferedamountlow', listener);
      return () => channel.removeEventListener('bufferedamountlow', listener);
    },
  };
}

/** Browser: the global RTCPeerConnection and WebSocket. */
export const platform: Platform = {
  createPeer,
  WebSocket: globalThis.WebSocket as unknown as new (url: string) => WebSocketLike,
};
