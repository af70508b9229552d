/**
 * trainwire's WebRTC transport: a signaling server (rooms, credentials, presence, relay),
 * its reconnecting client, and core's `Transport` over WebRTC data channels on an injected
 * backend — node-datachannel (libdatachannel) or werift in Node, the browser's own
 * `RTCPeerConnection` in a browser.
 *
 * @packageDocumentation
 */

export { autoSelect } from './autoSelect.js';
export type { ByteChannelTuning } from './ByteChannelTuning.js';
export {
  createNodeDatachannelBackend,
  DEFAULT_NDC_SCTP,
  NDC_ANSWER_HOLD_MS,
  NDC_LOOPBACK_MTU,
  type NodeDatachannelBackendOptions,
  type NodeDatachannelSctpSettings,
} from './backends/nodeDatachannel.js';
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
export { createWeriftBackend, type WeriftBackendOptions } from './backends/werift.js';
export {
  type CheckCredentialOptions,
  type CheckedCredential,
  checkCredential,
} from './checkCredential.js';
export { type ConnectToWorkerOptions, connectToWorker } from './connectToWorker.js';
export {
  createSignalingServer,
  type SharedSignalingServer,
  type SharedSignalingServerOptions,
  type SignalingServer,
  type SignalingServerBase,
  type SignalingServerOptions,
} from './createSignalingServer.js';
export {
  createWorkerEndpoint,
  type LinkRevocation,
  type WorkerEndpoint,
  type WorkerEndpointOptions,
} from './createWorkerEndpoint.js';
export { TransportWebrtcError, type TransportWebrtcErrorCode } from './errors.js';
export { type LinkSignal, type LinkSignalInit, LinkSignalSchema } from './LinkSignal.js';
export { LocalSignalingBackend } from './LocalSignalingBackend.js';
export { listWorkers, type WorkerListing } from './listWorkers.js';
export { type RedisBackendOptions, RedisSignalingBackend } from './RedisSignalingBackend.js';
export type { IceServer, RtcOptions } from './RtcOptions.js';
export type {
  BackendDelivery,
  PresenceRecord,
  RelayEvent,
  RoomEvent,
  SignalingBackend,
} from './SignalingBackend.js';
export {
  type PresenceEvent,
  type RelayedSignal,
  type Revocation,
  SignalingClient,
  type SignalingClientOptions,
  type SignalingStatus,
} from './SignalingClient.js';
export type { SignalingLogEntry, SignalingLogger } from './SignalingLogEntry.js';
export {
  type CredentialCheck,
  type CredentialKind,
  type CredentialRecord,
  type IssuedCredential,
  type NameClaim,
  SignalingStore,
} from './SignalingStore.js';
export {
  type ConnectWithCredentialsOptions,
  connectWithCredentials,
  type WorkerSession,
} from './session/connectWithCredentials.js';
export { createRoomDirectory } from './session/createRoomDirectory.js';
export {
  type GoOnlineOptions,
  goOnline,
  type OnlineWorker,
  type ServableWorker,
} from './session/goOnline.js';
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
