import { linkSignalsOver } from './internal/linkSignals.js';
import { randomId } from './internal/randomId.js';
import type { SignalingClient } from './SignalingClient.js';
import { WebRtcTransport, type WebRtcTransportOptions } from './WebRtcTransport.js';

/** Options of {@link connectToWorker}. */
export interface ConnectToWorkerOptions
  extends Pick<
    WebRtcTransportOptions,
    | 'rtc'
    | 'tuning'
    | 'connectTimeoutMs'
    | 'reconnectTimeoutMs'
    | 'keepaliveMs'
    | 'silenceTimeoutMs'
    | 'scheduler'
  > {
  /** A registered (connected) client of the worker's room. */
  signaling: SignalingClient;
  /** The worker's peer id (from `listWorkers` / `autoSelect`). */
  workerId: string;
}

/**
 * Opens a peer-to-peer transport to a worker of the room; resolves once it is `open`.
 * Rejects with a `TransportError` when no connection is made in time.
 *
 * @example
 * ```ts
 * const [best] = [autoSelect(await listWorkers(signaling), { minGpuMemoryMiB: 16_384 })];
 * const transport = await connectToWorker({ signaling, workerId: best!.peerId });
 * ```
 */
export async function connectToWorker(options: ConnectToWorkerOptions): Promise<WebRtcTransport> {
  const { signaling, workerId, ...rest } = options;
  const transport = new WebRtcTransport({
    ...rest,
    id: workerId,
    role: 'offerer',
    signals: linkSignalsOver(signaling, workerId, randomId()),
  });
  await transport.connect();
  return transport;
}
