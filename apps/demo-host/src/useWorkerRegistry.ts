import { chooseWorker, Experiments, Models, type RpcPeer, type Transport } from '@trainwire/core';
import { useWorkers } from '@trainwire/ui-react';
import { useEffect, useState } from 'react';
import type { RoomClient } from './createRoomClient.js';
import type { RoomQuery } from './roomFromQuery.js';
import { whyNotConnected } from './whyNotConnected.js';

/** The worker the dashboard, the experiments table and the models panel show. */
export interface WorkerRegistry {
  name: string;
  transport: Transport;
  peer: RpcPeer;
  /** The dashboard's experiments, and the table's (each list view keeps its own filter). */
  experiments: Experiments;
  table: Experiments;
  models: Models;
}

/**
 * Connects to the room's best worker (core's `chooseWorker`, as "Auto-select best
 * available" picks it) once the room lists one, and makes the core clients of its
 * experiments and models over that link — the same link Run uses for that worker.
 */
export function useWorkerRegistry(
  client: RoomClient,
  query: RoomQuery,
): { registry: WorkerRegistry | null; problem: string | null } {
  const { workers } = useWorkers();
  const [registry, setRegistry] = useState<WorkerRegistry | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const choice = chooseWorker(workers, { autoSelect: true });
  const worker = choice.kind === 'chosen' ? choice.worker : workers[0];
  const workerId = registry === null ? worker?.id : undefined;
  useEffect(() => {
    if (workerId === undefined) return;
    const chosen = workers.find((w) => w.id === workerId);
    if (chosen === undefined) return;
    let live = true;
    client.connect(chosen).then(
      ({ transport }) => {
        if (!live) return;
        const peer = client.manager.peerFor(transport);
        setProblem(null);
        setRegistry({
          name: chosen.name,
          transport,
          peer,
          experiments: new Experiments(peer),
          table: new Experiments(peer),
          models: new Models(peer),
        });
      },
      (error: unknown) =>
        live && setProblem(`Could not reach ${chosen.name}: ${whyNotConnected(query, error)}`),
    );
    return () => {
      live = false;
    };
  }, [client, query, workerId, workers]);
  return { registry, problem };
}
