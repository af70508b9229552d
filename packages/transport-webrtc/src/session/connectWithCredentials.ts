import {
  ConnectionStatus,
  chooseWorker,
  type WorkerEntry,
  type WorkerInfo,
  type WorkerRequest,
} from '@trainwire/core';
import { connectToWorker } from '../connectToWorker.js';
import { TransportWebrtcError } from '../errors.js';
import type { SignalingClient } from '../SignalingClient.js';
import type { WebRtcTransport } from '../WebRtcTransport.js';
import { isLoopbackUrl } from './isLoopbackUrl.js';
import { joinRoom } from './joinRoom.js';
import { listRoomWorkers } from './listRoomWorkers.js';
import type { RoomCredentials } from './RoomCredentials.js';

/** How long closing a session may take before the caller goes on without it. */
const CLOSE_DEADLINE_MS = 3_000;

/** Options of {@link connectWithCredentials}: which worker, and how to ask when no rule picks one. */
export interface ConnectWithCredentialsOptions extends WorkerRequest {
  /**
   * Only the worker registered with this worker key id (as the signaling server attests
   * it): a worker claiming another's name or GPU cannot stand in for it.
   */
  keyId?: string;
  /** The name other members of the room see for this client. */
  clientName?: string;
  /**
   * Several workers and no rule picks one: the view asks (a terminal prompt, the panel's
   * list) and resolves with the chosen one's `id`. Without it, that is an error.
   */
  pickWorker?: (workers: readonly WorkerEntry[]) => Promise<string | undefined>;
}

/** An open link to one worker of a room, and how it stands. */
export interface WorkerSession {
  transport: WebRtcTransport;
  /** What the worker says about itself (a placeholder with its name when it said nothing). */
  worker: WorkerInfo;
  /** The worker key id the signaling server attests for it, when known. */
  keyId?: string;
  /** The client's link to the signaling server (for listing, or reconnecting by name). */
  signaling: SignalingClient;
  /** The link's status as a snapshot (`getSnapshot()` + `subscribe()`) and `state$`. */
  status: ConnectionStatus;
  /** Closes the link and leaves the room; never takes more than a few seconds. */
  close(): Promise<void>;
}

/** Runs `work`, but resolves after `ms` at the latest (closing must never hang a caller). */
async function withinMs(ms: number, work: () => Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    work().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Joins the room as a client, picks the worker (by name or id, by auto-select, the only
 * one, or by asking `pickWorker`) with core's `chooseWorker`, and opens a WebRTC link to
 * it — loopback-only when the signaling server is on this machine. Rejects with a
 * `TransportWebrtcError` that names the workers online when none fits (`peer_not_found`).
 * The CLI's remote commands and a host's panel connect with it.
 *
 * @example
 * ```ts
 * const session = await connectWithCredentials(
 *   { signalingUrl: 'ws://127.0.0.1:8765', room: 'lab', credential: token },
 *   { autoSelect: true },
 * );
 * session.status.subscribe(() => console.log(session.status.getSnapshot().status));
 * ```
 */
export async function connectWithCredentials(
  credentials: RoomCredentials,
  options: ConnectWithCredentialsOptions = {},
): Promise<WorkerSession> {
  const signaling = await joinRoom(credentials, options.clientName ?? 'trainwire client');
  try {
    const { keyId } = options;
    const workers = await listRoomWorkers(signaling, keyId === undefined ? {} : { keyId });
    const chosen = await pick(workers, credentials.room, options);
    const transport = await connectToWorker({
      signaling,
      workerId: chosen.id,
      ...(keyId === undefined ? {} : { keyId }),
      rtc: { loopbackOnly: isLoopbackUrl(credentials.signalingUrl) },
    });
    const worker: WorkerInfo = chosen.info ?? {
      id: chosen.id,
      name: chosen.name,
      gpu: null,
      cpu: { model: 'unknown', cores: 1 },
      ramMiB: 0,
      status: chosen.status,
      versions: {},
      capabilities: [],
      tags: [],
    };
    const status = new ConnectionStatus(transport, { worker: worker.name });
    return {
      transport,
      worker,
      ...(chosen.keyId ? { keyId: chosen.keyId } : {}),
      signaling,
      status,
      // Bounded: over a broken link a goodbye may never be answered.
      close: () =>
        withinMs(CLOSE_DEADLINE_MS, async () => {
          await transport.close();
          await signaling.close();
          status.dispose();
        }),
    };
  } catch (error) {
    await signaling.close().catch(() => undefined);
    throw error;
  }
}

/** The worker `options` ask for, or an error that names the ones online. */
async function pick(
  workers: readonly WorkerEntry[],
  room: string,
  options: ConnectWithCredentialsOptions,
): Promise<WorkerEntry> {
  const names =
    workers
      .map((w) => `${w.name} (${w.gpuModel ?? 'no GPU'}, ${w.status}, key ${w.keyId ?? ''})`)
      .join(', ') ||
    (options.keyId === undefined ? 'none online' : `none with key ${options.keyId}`);
  const notFound = (message: string) => new TransportWebrtcError('peer_not_found', message);
  const choice = chooseWorker(workers, options);
  switch (choice.kind) {
    case 'chosen':
      return choice.worker;
    case 'not-online':
      throw notFound(`worker ${options.worker} is not online in room ${room}; online: ${names}`);
    case 'none-qualifies':
      throw notFound(
        `no available worker with at least ${options.minGpuMemoryMiB ?? 0} MiB of GPU memory in room ${room}; online: ${names}`,
      );
    case 'empty':
      throw notFound(
        options.keyId === undefined
          ? `no worker is online in room ${room}; start one with \`trainwire worker\``
          : `no worker registered with key ${options.keyId} is online in room ${room} (${names}); \`trainwire workers\` shows each worker's key`,
      );
    case 'ask': {
      if (options.pickWorker === undefined)
        throw notFound(`${workers.length} workers are online in room ${room} (${names}); name one`);
      const id = await options.pickWorker(choice.workers);
      const picked = choice.workers.find((w) => w.id === id);
      if (picked === undefined) throw notFound('no worker chosen');
      return picked;
    }
  }
}
