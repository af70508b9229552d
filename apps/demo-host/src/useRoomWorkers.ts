import type { WorkerConnection } from '@trainwire/core';
import { useWorkers } from '@trainwire/ui-react';
import { useEffect, useState } from 'react';
import type { RoomClient } from './createRoomClient.js';

/**
 * A connection to every worker the room lists (the same links Run uses), for the lists
 * that merge every worker's rows (core's `listAcrossWorkers`). A worker that cannot be
 * reached is still listed: its listing fails, and the lists say which worker did not answer.
 */
export function useRoomWorkers(client: RoomClient): readonly WorkerConnection[] {
  const { workers } = useWorkers();
  const [connections, setConnections] = useState<readonly WorkerConnection[]>([]);
  const ids = workers.map((w) => w.id).join('\n');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the listed ids say when to connect again.
  useEffect(() => {
    let live = true;
    void Promise.all(
      workers.map(async (worker): Promise<WorkerConnection> => {
        try {
          const { transport } = await client.connect(worker);
          return { worker: worker.name, peer: client.manager.peerFor(transport) };
        } catch (error) {
          const words = error instanceof Error ? error.message : String(error);
          return {
            worker: worker.name,
            peer: { request: () => Promise.reject(new Error(`could not connect: ${words}`)) },
          };
        }
      }),
    ).then((all) => live && setConnections(all));
    return () => {
      live = false;
    };
  }, [client, ids]);
  return connections;
}
