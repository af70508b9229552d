import {
  ConnectionStatus,
  container,
  JobManager,
  registerCore,
  TRANSPORT,
  type Transport,
  WorkerDirectory,
  type WorkerEntry,
} from '@trainwire/core';
import { connectToWorker, listRoomWorkers, SignalingClient } from '@trainwire/transport-webrtc';
import { NotConnectedTransport } from './NotConnectedTransport.js';
import type { RoomQuery } from './roomFromQuery.js';

/** An open link to one worker: its transport and core's status of it (the panel shows it). */
export interface WorkerLink {
  transport: Transport;
  status: ConnectionStatus;
}

/** The core objects the page's remote-training section renders, and how to reach a worker. */
export interface RoomClient {
  readonly manager: JobManager;
  readonly directory: WorkerDirectory;
  /** A link to `worker` over the browser's RTCPeerConnection; one per worker, reused. */
  connect(worker: WorkerEntry): Promise<WorkerLink>;
  dispose(): Promise<void>;
}

/**
 * Joins `room` at the signaling server as a client (lazily, on the first listing), lists
 * its workers into a core `WorkerDirectory` and opens WebRTC links to them with the
 * browser build of `@trainwire/transport-webrtc`. The `JobManager` has no default worker:
 * each job names the transport it runs on.
 */
export function createRoomClient(query: RoomQuery): RoomClient {
  const signaling = new SignalingClient({
    url: query.signal,
    room: query.room,
    role: 'client',
    credential: query.token,
    name: 'demo-host page',
  });
  let joined: Promise<void> | undefined;
  const join = () => {
    joined ??= signaling.connect().then(
      () => undefined,
      (error: unknown) => {
        joined = undefined; // the next Refresh tries again
        throw error;
      },
    );
    return joined;
  };
  const scope = registerCore(container.createChildContainer());
  scope.register(TRANSPORT, { useValue: new NotConnectedTransport() });
  const manager = scope.resolve(JobManager);
  const directory = new WorkerDirectory({
    refreshEveryMs: 5_000,
    list: async () => {
      await join();
      return listRoomWorkers(signaling);
    },
  });
  const links = new Map<string, Promise<WorkerLink>>();
  return {
    manager,
    directory,
    connect: (worker) => {
      const known = links.get(worker.id);
      if (known !== undefined) return known;
      const link: Promise<WorkerLink> = join()
        .then(() =>
          connectToWorker({
            signaling,
            workerId: worker.id,
            ...(worker.keyId ? { keyId: worker.keyId } : {}),
          }),
        )
        .then((transport) => ({
          transport,
          status: new ConnectionStatus(transport, { worker: worker.name }),
        }));
      links.set(worker.id, link);
      // A link that failed or closed for good is opened again on the next Run.
      const forget = () => links.get(worker.id) === link && links.delete(worker.id);
      link.then(
        ({ transport }) => transport.status$.subscribe((s) => s === 'closed' && forget()),
        forget,
      );
      return link;
    },
    dispose: async () => {
      manager.dispose();
      directory.dispose();
      for (const link of links.values())
        await link
          .then(({ transport, status }) => {
            status.dispose();
            return transport.close();
          })
          .catch(() => undefined);
      await signaling.close().catch(() => undefined);
      await scope.dispose();
    },
  };
}
