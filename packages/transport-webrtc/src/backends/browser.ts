// The browser's own RTCPeerConnection (the global), for the browser entry.
import { w3cChannel } from '../internal/channelState.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from '../internal/rtcTypes.js';
import type {
  RtcBackend,
  RtcChannel,
  RtcPeer,
  RtcPeerOptions,
  SessionDescription,
} from './RtcBackend.js';

/**
 * The browser backend: the page's own `RTCPeerConnection`. What `auto` picks in a
 * browser; registered there as `browser`. `loopbackOnly` and `maxMessageSize` are the
 * browser's to decide and are ignored.
 */
export function createBrowserBackend(): RtcBackend {
  return { name: 'browser', createPeer };
}

function createPeer(options: RtcPeerOptions): RtcPeer {
  const pc = new RTCPeerConnection({ iceServers: options.iceServers ?? [] });
  const local = async () => {
    const applied = pc.localDescription!;
    return { type: applied.type, sdp: applied.sdp } as SessionDescription;
  };
  const channels = new Set<RTCDataChannel>();
  const track = (channel: RTCDataChannel) => {
    channels.add(channel);
    channel.addEventListener('close', () => channels.delete(channel));
    return wrapChannel(channel);
  };
  return {
    createDataChannel: (label, protocol) =>
      track(pc.createDataChannel(label, { protocol, ordered: true })),
    onDataChannel: (cb) => pc.addEventListener('datachannel', (e) => cb(track(e.channel))),
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
    close: () => {
      // Channels first (stream resets the far end sees at once), then the connection.
      for (const channel of channels) channel.close();
      pc.close();
    },
  };
}

function wrapChannel(channel: RTCDataChannel): RtcChannel {
  channel.binaryType = 'arraybuffer';
  return w3cChannel(channel, {
    // The browser copies what it is given before send returns.
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
  });
}
