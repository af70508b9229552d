import type { WorkerInfo, WorkerStatus } from '@trainwire/core';
import type { SignalingClient } from './SignalingClient.js';
import type { PeerFilter } from './signalingMessages.js';

/** A worker of the room, as a picker shows it. */
export interface WorkerListing {
  peerId: string;
  /** Bound to `keyId` by the server: no other worker key can use it. */
  name: string;
  /**
   * The id of the worker key it registered with, attested by the server: pin a worker
   * by it (`listWorkers(signaling, { keyId })`, `connectToWorker({ keyId })`).
   */
  keyId: string;
  /** GPU model, or `null` when none was detected. */
  gpuModel: string | null;
  /** GPU memory in MiB (0 without a GPU). */
  gpuMemoryMiB: number;
  status: WorkerStatus;
  info: WorkerInfo | undefined;
}

/**
 * The workers online in the signaling client's room, most GPU memory first; `filter`
 * narrows them (tags, status, `keyId`, `properties: { gpuMemoryMiB: { $gte: 16384 } }`).
 * GPU and memory are what each worker reports; its name and key id are attested by the
 * server.
 *
 * @example
 * ```ts
 * const [pinned] = await listWorkers(signaling, { keyId: '0a1b2c3d4e5f' });
 * ```
 */
export async function listWorkers(
  signaling: SignalingClient,
  filter: Omit<PeerFilter, 'role'> = {},
): Promise<WorkerListing[]> {
  const peers = await signaling.discover({ ...filter, role: 'worker' });
  return peers
    .map((peer) => ({
      peerId: peer.peerId,
      name: peer.name,
      keyId: peer.keyId ?? '',
      gpuModel: peer.info?.gpu?.name ?? null,
      gpuMemoryMiB: peer.info?.gpu?.memoryMiB ?? 0,
      status: peer.status ?? 'available',
      info: peer.info,
    }))
    .sort((a, b) => b.gpuMemoryMiB - a.gpuMemoryMiB);
}
