import { TransportWebrtcError } from './errors.js';
import { linkSignalsOver } from './internal/linkSignals.js';
import { randomId } from './internal/randomId.js';
import type { SignalingClient } from './SignalingClient.js';
import type { RemotePeer } from './signalingMessages.js';
import { type WebRtcLinkOptions, WebRtcTransport } from './WebRtcTransport.js';

/** Options of {@link connectToWorker}. */
export interface ConnectToWorkerOptions extends WebRtcLinkOptions {
  /** A registered (connected) client of the worker's room. */
  signaling: SignalingClient;
  /** The worker's peer id (from `listWorkers` / `autoSelect`). */
  workerId: string;
  /**
   * Pins the worker: connect only if it registered with this worker key id (its
   * `WorkerListing.keyId`), else reject with `key_mismatch`.
   */
  keyId?: string;
}

/**
 * Opens a peer-to-peer transport to a worker of the room; resolves once it is `open`.
 * The worker must be online (else `peer_not_found`); its transport's `remote` says which
 * worker key it registered with, and only that key's answers count on the link. The
 * transport closes (sending `bye`) when the worker's key or this client's credential is
 * revoked (`signaling.revoked$`). Rejects with a `TransportError` when no connection is
 * made in time, and with `bad_config` when `rtc.backend` names no WebRTC backend or one
 * that does not load here. `transport.backend` says which backend the link runs on.
 *
 * @example
 * ```ts
 * const [best] = [autoSelect(await listWorkers(signaling), { minGpuMemoryMiB: 16_384 })];
 * const transport = await connectToWorker({ signaling, workerId: best!.peerId, keyId: best!.keyId });
 * ```
 */
export async function connectToWorker(options: ConnectToWorkerOptions): Promise<WebRtcTransport> {
  const { signaling, workerId, keyId, ...rest } = options;
  const remote = await attested(signaling, workerId, keyId);
  const transport = new WebRtcTransport({
    ...rest,
    id: workerId,
    role: 'offerer',
    remote,
    signals: linkSignalsOver(signaling, remote, randomId()),
  });
  const watch = signaling.revoked$.subscribe(({ credentialId, own }) => {
    if (own || credentialId === remote.credentialId) void transport.close();
  });
  transport.status$.subscribe({ complete: () => watch.unsubscribe() });
  await transport.connect();
  return transport;
}

/** The worker `workerId` as the server lists it: its key id and bound name. */
async function attested(
  signaling: SignalingClient,
  workerId: string,
  keyId: string | undefined,
): Promise<RemotePeer> {
  const workers = await signaling.discover({ role: 'worker' });
  const worker = workers.find((w) => w.peerId === workerId);
  if (worker?.keyId === undefined) {
    throw new TransportWebrtcError(
      'peer_not_found',
      `worker ${workerId} is not online in this room; list the workers again (trainwire workers)`,
    );
  }
  if (keyId !== undefined && worker.keyId !== keyId) {
    throw new TransportWebrtcError(
      'key_mismatch',
      `worker ${worker.name} (${workerId}) is registered with worker key ${worker.keyId}, not the pinned ${keyId}; it is not the worker you chose`,
    );
  }
  if (signaling.isRevoked(worker.keyId)) {
    throw new TransportWebrtcError(
      'credential_revoked',
      `worker ${worker.name} registered with worker key ${worker.keyId}, which was revoked`,
    );
  }
  return { peerId: workerId, role: 'worker', credentialId: worker.keyId, name: worker.name };
}
