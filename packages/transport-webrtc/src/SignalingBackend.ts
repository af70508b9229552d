import type { Room } from '@trainwire/core';
import type { Observable } from 'rxjs';
import type {
  CredentialCheck,
  CredentialKind,
  CredentialRecord,
  IssuedCredential,
  NameClaim,
} from './SignalingStore.js';
import type { PeerInfo, SignalData } from './signalingMessages.js';

/** A registered peer as the backend keeps it: its room, credential and instance. */
export interface PresenceRecord {
  room: string;
  /** The credential it registered with. */
  credentialId: string;
  info: PeerInfo;
  /** The signaling instance whose connection the peer is on. */
  instance: string;
}

/** A change in a room, for every peer of it (but `except`) on every instance. */
export type RoomEvent =
  | { type: 'peer-joined' | 'peer-updated'; peer: PeerInfo }
  | { type: 'peer-left'; peerId: string; reason: 'closed' | 'timeout' | 'revoked' | 'replaced' };

/** A relayed signal, stamped with its sender, for one peer. */
export interface RelayEvent {
  type: 'signal';
  from: string;
  data: SignalData;
  sender: { role: PeerInfo['role']; credentialId: string; name: string };
}

/**
 * What a backend hands an instance for the peers connected to it: a room change, a
 * signal for one peer, an order to drop one peer (another registration replaced it), or
 * a revoked credential (every instance closes what it opened and tells its peers).
 */
export type BackendDelivery =
  | { kind: 'room'; room: string; except?: string; event: RoomEvent }
  | { kind: 'peer'; instance: string; peerId: string; event: RelayEvent }
  | { kind: 'replace'; instance: string; peerId: string; why: string }
  | { kind: 'revoked'; record: CredentialRecord };

/**
 * The one contract behind a signaling server: rooms and hashed credentials, who is
 * online, and the relay between instances. {@link LocalSignalingBackend} keeps it in this
 * process (and a JSON file); {@link RedisSignalingBackend} in Redis, so that any number of
 * instances serve one room. Every method is async, so that both fit.
 *
 * Presence is per instance: an instance announces and withdraws its own peers, and
 * `heartbeat` keeps them alive; the peers of an instance that stopped heartbeating
 * disappear from `online` and `peer` when its lease runs out, and their rooms get
 * `peer-left` `timeout`.
 */
export interface SignalingBackend {
  /** `local` or `redis`. */
  readonly kind: 'local' | 'redis';
  /** This instance's id (random per process). */
  readonly instance: string;
  /** What this instance must deliver to its own peers; and each revoked credential. */
  readonly deliveries$: Observable<BackendDelivery>;

  /** The secret resume keys are signed with; one for every instance of a store. */
  serverSecret(): Promise<Buffer>;
  /** Creates a room; returns the existing one when `id` is taken. */
  createRoom(input: { id: string; name?: string }): Promise<Room>;
  /** The rooms, oldest first. */
  listRooms(): Promise<Room[]>;
  getRoom(id: string): Promise<Room | undefined>;
  /** Deletes a room and revokes its credentials (their ids), or undefined when unknown. */
  deleteRoom(id: string): Promise<string[] | undefined>;
  /** Issues a room token or worker key; only its hash is kept. `room_not_found` without the room. */
  createCredential(room: string, kind: CredentialKind, label?: string): Promise<IssuedCredential>;
  /** Revokes a credential (every instance is told); false when there is none with that id. */
  revokeCredential(id: string): Promise<boolean>;
  getCredential(id: string): Promise<CredentialRecord | undefined>;
  /** The credentials of `room` (all when omitted), without secrets. */
  listCredentials(room?: string): Promise<CredentialRecord[]>;
  /** Ids of the revoked credentials of `room`, the latest `limit`. */
  revokedIds(room: string, limit?: number): Promise<string[]>;
  /** Checks a secret for registering in `room` as `role` (see `SignalingStore.verify`). */
  verify(secret: string, room: string, role: 'worker' | 'client'): Promise<CredentialCheck>;
  /** Binds a worker name to a worker key, or checks it (see `SignalingStore.claimWorkerName`). */
  claimWorkerName(credentialId: string, name: string): Promise<NameClaim>;

  /** Records (or updates) a peer of this instance. */
  announce(record: Omit<PresenceRecord, 'instance'>): Promise<void>;
  /**
   * Removes peer `peerId` of `room` if instance `owner` (this one by default) still
   * holds it; true when it did.
   */
  withdraw(room: string, peerId: string, owner?: string): Promise<boolean>;
  /** Peer `peerId` of `room`, if it is online (on any live instance). */
  peer(room: string, peerId: string): Promise<PresenceRecord | undefined>;
  /** The peers online in `room`, on every live instance. */
  online(room: string): Promise<PresenceRecord[]>;
  /** Hands `delivery` to the instance(s) it is for (this one included). */
  publish(delivery: BackendDelivery): Promise<void>;
  /** Called every heartbeat: renews this instance's lease and expires dead instances' peers. */
  heartbeat(): Promise<void>;
  /** Stops; the peers this instance still holds are withdrawn first. */
  close(): Promise<void>;
}
