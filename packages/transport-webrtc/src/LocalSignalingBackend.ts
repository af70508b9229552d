import type { Room } from '@trainwire/core';
import { map, merge, type Observable, Subject } from 'rxjs';
import { randomId } from './internal/randomId.js';
import type { BackendDelivery, PresenceRecord, SignalingBackend } from './SignalingBackend.js';
import type {
  CredentialCheck,
  CredentialKind,
  CredentialRecord,
  IssuedCredential,
  NameClaim,
  SignalingStore,
} from './SignalingStore.js';

/**
 * The default {@link SignalingBackend}: rooms and credentials in a {@link SignalingStore}
 * (one JSON file), presence and relay in this process. One instance serves a room; it is
 * what `createSignalingServer` uses without `redis`.
 *
 * @example
 * ```ts
 * const backend = new LocalSignalingBackend(SignalingStore.open('./signal/signaling.json'));
 * await backend.createRoom({ id: 'lab' });
 * ```
 */
export class LocalSignalingBackend implements SignalingBackend {
  readonly kind = 'local';
  readonly instance = randomId();
  readonly deliveries$: Observable<BackendDelivery>;
  private readonly local = new Subject<BackendDelivery>();
  private readonly rooms = new Map<string, Map<string, PresenceRecord>>();

  constructor(readonly store: SignalingStore) {
    // Revocations made straight in the store (another process cannot: see the docs) count too.
    this.deliveries$ = merge(
      this.local,
      store.revoked$.pipe(map((record) => ({ kind: 'revoked', record }) as const)),
    );
  }

  async serverSecret(): Promise<Buffer> {
    return this.store.serverSecret();
  }
  async createRoom(input: { id: string; name?: string }): Promise<Room> {
    return this.store.createRoom(input);
  }
  async listRooms(): Promise<Room[]> {
    return this.store.listRooms();
  }
  async getRoom(id: string): Promise<Room | undefined> {
    return this.store.getRoom(id);
  }
  async deleteRoom(id: string): Promise<string[] | undefined> {
    return this.store.deleteRoom(id);
  }
  async createCredential(
    room: string,
    kind: CredentialKind,
    label?: string,
  ): Promise<IssuedCredential> {
    return this.store.createCredential(room, kind, label);
  }
  async revokeCredential(id: string): Promise<boolean> {
    return this.store.revokeCredential(id);
  }
  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.store.getCredential(id);
  }
  async listCredentials(room?: string): Promise<CredentialRecord[]> {
    return this.store.listCredentials(room);
  }
  async revokedIds(room: string, limit?: number): Promise<string[]> {
    return this.store.revokedIds(room, limit);
  }
  async verify(secret: string, room: string, role: 'worker' | 'client'): Promise<CredentialCheck> {
    return this.store.verify(secret, room, role);
  }
  async claimWorkerName(credentialId: string, name: string): Promise<NameClaim> {
    return this.store.claimWorkerName(credentialId, name);
  }

  async announce(record: Omit<PresenceRecord, 'instance'>): Promise<void> {
    const room = this.rooms.get(record.room) ?? new Map<string, PresenceRecord>();
    this.rooms.set(record.room, room);
    room.set(record.info.peerId, { ...record, instance: this.instance });
  }
  async withdraw(room: string, peerId: string, owner = this.instance): Promise<boolean> {
    const peers = this.rooms.get(room);
    if (peers?.get(peerId)?.instance !== owner || !peers.delete(peerId)) return false;
    if (peers.size === 0) this.rooms.delete(room);
    return true;
  }
  async peer(room: string, peerId: string): Promise<PresenceRecord | undefined> {
    return this.rooms.get(room)?.get(peerId);
  }
  async online(room: string): Promise<PresenceRecord[]> {
    return [...(this.rooms.get(room)?.values() ?? [])];
  }
  async publish(delivery: BackendDelivery): Promise<void> {
    this.local.next(delivery);
  }
  async heartbeat(): Promise<void> {}
  async close(): Promise<void> {
    this.rooms.clear();
    this.local.complete();
  }
}
