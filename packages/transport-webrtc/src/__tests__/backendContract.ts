import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendDelivery, SignalingBackend } from '../SignalingBackend.js';

/** A store to run the contract against: `open` another instance on the same store. */
export interface BackendUnderTest {
  open(): Promise<SignalingBackend>;
  /** After every test: close what was opened, remove what was stored. */
  dispose(): Promise<void>;
}

const peerInfo = (peerId: string, role: 'worker' | 'client' = 'client') => ({
  peerId,
  role,
  name: peerId,
  tags: [],
  properties: {},
  joinedAt: Date.now(),
});

/**
 * One contract, run against every {@link SignalingBackend}: rooms, hashed credentials,
 * worker names, revocation, presence and delivery — what a signaling server relies on.
 */
export function describeSignalingBackend(name: string, create: () => Promise<BackendUnderTest>) {
  describe(`SignalingBackend contract: ${name}`, () => {
    let under: BackendUnderTest | undefined;
    afterEach(async () => {
      await under?.dispose();
      under = undefined;
    });
    const open = async () => {
      under ??= await create();
      return under.open();
    };

    it('keeps only hashes, and what it keeps survives reopening', async () => {
      const store = await open();
      const room = await store.createRoom({ id: 'lab', name: 'Lab' });
      expect(await store.createRoom({ id: 'lab', name: 'Other' })).toEqual(room);
      const issued = await store.createCredential('lab', 'room-token', 'students');
      expect(JSON.stringify(await store.listCredentials())).not.toContain(
        issued.secret.split('.')[1],
      );
      const secret = await store.serverSecret();
      await store.close();

      const reopened = await open();
      expect((await reopened.serverSecret()).equals(secret)).toBe(true);
      expect((await reopened.getRoom('lab'))?.name).toBe('Lab');
      expect(await reopened.verify(issued.secret, 'lab', 'client')).toMatchObject({ ok: true });
      expect(await reopened.verify(issued.secret, 'other', 'client')).toMatchObject({
        ok: false,
        code: 'auth_failed',
      });
      expect(await reopened.verify(issued.secret, 'lab', 'worker')).toMatchObject({
        ok: false,
        reason: 'wrong_role',
      });
      expect(await reopened.verify('twr_000000000000.nope', 'lab', 'client')).toMatchObject({
        ok: false,
        code: 'auth_failed',
        reason: 'refused',
      });
      const revoked = firstValueFrom(reopened.deliveries$);
      expect(await reopened.revokeCredential(issued.id)).toBe(true);
      expect(await revoked).toMatchObject({ kind: 'revoked', record: { id: issued.id } });
      expect(await reopened.revokeCredential('000000000000')).toBe(false);
      expect(await reopened.verify(issued.secret, 'lab', 'client')).toMatchObject({
        ok: false,
        code: 'credential_revoked',
      });
      expect(await reopened.revokedIds('lab')).toEqual([issued.id]);
    });

    it('refuses an unknown room for a credential, and lists rooms oldest first', async () => {
      const store = await open();
      await expect(store.createCredential('nope', 'room-token')).rejects.toMatchObject({
        code: 'room_not_found',
      });
      await store.createRoom({ id: 'b' });
      await new Promise((r) => setTimeout(r, 2));
      await store.createRoom({ id: 'a' });
      expect((await store.listRooms()).map((r) => r.id)).toEqual(['b', 'a']);
    });

    it('binds a worker name to its key, refuses it to others, frees it on revocation', async () => {
      const store = await open();
      await store.createRoom({ id: 'lab' });
      const first = await store.createCredential('lab', 'worker-key', 'box 1');
      const second = await store.createCredential('lab', 'worker-key', 'box 2');
      expect(await store.claimWorkerName(first.id, 'gpu-1')).toEqual({ ok: true, name: 'gpu-1' });
      expect(await store.claimWorkerName(first.id, 'GPU-1')).toEqual({ ok: true, name: 'gpu-1' });
      expect(await store.claimWorkerName(first.id, 'gpu-2')).toMatchObject({
        ok: false,
        code: 'name_mismatch',
      });
      const taken = await store.claimWorkerName(second.id, 'Gpu-1');
      expect(taken).toMatchObject({ ok: false, code: 'name_taken', holder: first.id });
      expect(!taken.ok && taken.message).toContain(`trainwire keys revoke ${first.id}`);
      expect((await store.getCredential(first.id))?.workerName).toBe('gpu-1');
      await store.revokeCredential(first.id);
      expect(await store.claimWorkerName(second.id, 'gpu-1')).toEqual({ ok: true, name: 'gpu-1' });
    });

    it('deleting a room revokes its credentials and says so once each', async () => {
      const store = await open();
      await store.createRoom({ id: 'lab' });
      const a = await store.createCredential('lab', 'room-token');
      const b = await store.createCredential('lab', 'worker-key');
      const first = firstValueFrom(store.deliveries$);
      await store.revokeCredential(a.id);
      expect(await first).toMatchObject({ kind: 'revoked', record: { id: a.id } });
      const told = firstValueFrom(store.deliveries$);
      expect((await store.deleteRoom('lab'))?.sort()).toEqual([a.id, b.id].sort());
      expect(await told).toMatchObject({ kind: 'revoked', record: { id: b.id } });
      expect(await store.getRoom('lab')).toBeUndefined();
      expect(await store.deleteRoom('lab')).toBeUndefined();
      expect(await store.verify(b.secret, 'lab', 'worker')).toMatchObject({ ok: false });
      expect((await store.listCredentials('lab')).every((c) => c.revokedAt !== undefined)).toBe(
        true,
      );
    });

    it('keeps presence per room, withdraws only what the instance holds, and delivers', async () => {
      const store = await open();
      await store.announce({ room: 'lab', credentialId: 'c1', info: peerInfo('p1', 'worker') });
      await store.announce({ room: 'lab', credentialId: 'c2', info: peerInfo('p2') });
      await store.announce({ room: 'other', credentialId: 'c3', info: peerInfo('p3') });
      expect((await store.online('lab')).map((p) => p.info.peerId).sort()).toEqual(['p1', 'p2']);
      expect(await store.peer('lab', 'p3')).toBeUndefined();
      expect(await store.peer('lab', 'p1')).toMatchObject({
        credentialId: 'c1',
        instance: store.instance,
        info: { role: 'worker' },
      });
      expect(await store.withdraw('lab', 'p1', 'another-instance')).toBe(false);
      expect(await store.withdraw('lab', 'p1')).toBe(true);
      expect(await store.withdraw('lab', 'p1')).toBe(false);
      expect((await store.online('lab')).map((p) => p.info.peerId)).toEqual(['p2']);

      const received = firstValueFrom(store.deliveries$.pipe(take(2), toArray()));
      const room: BackendDelivery = {
        kind: 'room',
        room: 'lab',
        except: 'p2',
        event: { type: 'peer-left', peerId: 'p1', reason: 'closed' },
      };
      const signal: BackendDelivery = {
        kind: 'peer',
        instance: store.instance,
        peerId: 'p2',
        event: {
          type: 'signal',
          from: 'p9',
          data: { sdp: 'x' },
          sender: { role: 'worker', credentialId: 'c9', name: 'gpu' },
        },
      };
      await store.publish(room);
      await store.publish(signal);
      expect(await received).toEqual([room, signal]);
    });
  });
}
