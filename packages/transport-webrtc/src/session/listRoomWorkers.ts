import type { WorkerEntry } from '@trainwire/core';
import { listWorkers } from '../listWorkers.js';
import type { SignalingClient } from '../SignalingClient.js';
import type { PeerFilter } from '../signalingMessages.js';

/**
 * The workers online in the signaling client's room as core's `WorkerEntry` (what a
 * picker and `chooseWorker` read), most GPU memory first; `filter` narrows them as in
 * `listWorkers` (e.g. `{ keyId }`).
 *
 * @example
 * ```ts
 * const workers = await listRoomWorkers(signaling);
 * const choice = chooseWorker(workers, { autoSelect: true });
 * ```
 */
export async function listRoomWorkers(
  signaling: SignalingClient,
  filter: Omit<PeerFilter, 'role'> = {},
): Promise<WorkerEntry[]> {
  return (await listWorkers(signaling, filter)).map((w) => ({
    id: w.peerId,
    name: w.name,
    keyId: w.keyId,
    status: w.status,
    gpuModel: w.gpuModel,
    gpuMemoryMiB: w.gpuMemoryMiB,
    ...(w.info === undefined ? {} : { info: w.info }),
  }));
}
