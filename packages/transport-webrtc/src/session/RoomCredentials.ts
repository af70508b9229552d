/** How to reach a room: its signaling server, its name and a secret for it. */
export interface RoomCredentials {
  /** `ws://` or `wss://` address of the signaling server. */
  signalingUrl: string;
  /** Other instances of the same signaling service (one Redis behind them), tried in turn. */
  signalingUrls?: readonly string[];
  room: string;
  /** A room token (a client) or a worker key (a worker). */
  credential: string;
}
