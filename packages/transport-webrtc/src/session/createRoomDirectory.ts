import { WorkerDirectory, type WorkerDirectoryOptions } from '@trainwire/core';
import type { SignalingClient } from '../SignalingClient.js';
import type { PeerFilter } from '../signalingMessages.js';
import { listRoomWorkers } from './listRoomWorkers.js';

/**
 * Core's `WorkerDirectory` over a room: listing with refresh (by itself every
 * `refreshEveryMs` when given) and auto-select, as a snapshot for the panel's worker
 * list. The CLI's `workers` reads the same listing.
 *
 * @example
 * ```ts
 * const directory = createRoomDirectory(signaling, { refreshEveryMs: 10_000 });
 * await directory.refresh();
 * const best = directory.best(16_384);
 * ```
 */
export function createRoomDirectory(
  signaling: SignalingClient,
  options: Omit<WorkerDirectoryOptions, 'list'> & { filter?: Omit<PeerFilter, 'role'> } = {},
): WorkerDirectory {
  const { filter, ...rest } = options;
  return new WorkerDirectory({ ...rest, list: () => listRoomWorkers(signaling, filter) });
}
