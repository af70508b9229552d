/**
 * The browser entry of `@trainwire/transport-webrtc` (the `browser` export condition):
 * the signaling client and core's `Transport` over the browser's own
 * `RTCPeerConnection` and `WebSocket`. The signaling server is Node-only and not here.
 *
 * @packageDocumentation
 */

export { autoSelect } from './autoSelect.js';
export type { ByteChannelTuning } from './ByteChannelTuning.js';
export { createBrowserBackend } from './backends/browser.js';
export type {
  IceCandidateInit,
  RtcBackend,
  RtcBackendFactory,
  RtcChannel,
  RtcPeer,
  RtcPeerOptions,
  SessionDescription,
} from './backends/RtcBackend.js';
export { registerRtcBackend } from './backends/registerRtcBackend.js';
export {
  RTC_BACKEND_ENV,
  type RtcBackendChoice,
  type RtcBackendResolution,
  resolveRtcBackend,
} from './backends/resolveRtcBackend.js';
export {
  type CheckCredentialOptions,
  type CheckedCredential,
  checkCredential,
} from './checkCredential.js';
export { type ConnectToWorkerOptions, connectToWorker } from './connectToWorker.js';
export {
  createWorkerEndpoint,
  type LinkRevocation,
  type WorkerEndpoint,
  type WorkerEndpointOptions,
} from './createWorkerEndpoint.js';
export { TransportWebrtcError, type TransportWebrtcErrorCode } from './errors.js';
export { type LinkSignal, type LinkSignalInit, LinkSignalSchema } from './LinkSignal.js';
export { listWorkers, type WorkerListing } from './listWorkers.js';
export type { IceServer, RtcOptions } from './RtcOptions.js';
export {
  type PresenceEvent,
  type RelayedSignal,
  type Revocation,
  SignalingClient,
  type SignalingClientOptions,
  type SignalingStatus,
} from './SignalingClient.js';
export {
  type ConnectWithCredentialsOptions,
  connectWithCredentials,
  type WorkerSession,
} from './session/connectWithCredentials.js';
export { createRoomDirectory } from './session/createRoomDirectory.js';
export { isLoopbackUrl } from './session/isLoopbackUrl.js';
export { joinRoom } from './session/joinRoom.js';
export { listRoomWorkers } from './session/listRoomWorkers.js';
export type { RoomCredentials } from './session/RoomCredentials.js';
export {
  type ClientMessage,
  ClientMessageSchema,
  MAX_SIGNALING_MESSAGE_BYTES,
  type PeerFilter,
  PeerFilterSchema,
  type PeerInfo,
  PeerInfoSchema,
  type PeerRole,
  type RemotePeer,
  RemotePeerSchema,
  type ServerMessage,
  ServerMessageSchema,
  SIGNALING_VERSION,
  type SignalData,
} from './signalingMessages.js';
export {
  type LinkSignals,
  type WebRtcLinkOptions,
  WebRtcTransport,
  type WebRtcTransportOptions,
} from './WebRtcTransport.js';
