import type { Transport } from '@trainwire/core';
import type { TransportPairFixture } from '@trainwire/core/testing/compliance';
import { Subject } from 'rxjs';
import { type LinkSignal, LinkSignalSchema, WIRE_VERSION } from '../internal/wireFrames.js';
import { WebRtcTransport, type WebRtcTransportOptions } from '../WebRtcTransport.js';

/** The WebRTC backends every Node test runs against, by name. */
export const NODE_BACKENDS = ['werift', 'node-datachannel'] as const;

/**
 * Two transports wired by an in-process signal relay (no server): what the compliance
 * suite and unit tests use. Signals cross as JSON, as over a socket. `workerOptions`
 * override `options` at the worker end (its own clock or backend, say).
 */
export function createWebRtcPair(
  options: Partial<WebRtcTransportOptions> = {},
  workerOptions: Partial<WebRtcTransportOptions> = {},
): [WebRtcTransport, WebRtcTransport] {
  const toWorker = new Subject<LinkSignal>();
  const toClient = new Subject<LinkSignal>();
  const relay = (target: Subject<LinkSignal>) => (signal: object) => {
    const text = JSON.stringify({ v: WIRE_VERSION, link: 'test', ...signal });
    setTimeout(() => target.next(LinkSignalSchema.parse(JSON.parse(text))), 0);
  };
  const rtc = { loopbackOnly: true, ...options.rtc };
  const client = new WebRtcTransport({
    ...options,
    rtc,
    id: 'worker',
    role: 'offerer',
    signals: { send: relay(toWorker), inbound$: toClient },
  });
  const worker = new WebRtcTransport({
    ...options,
    ...workerOptions,
    rtc: { ...rtc, ...workerOptions.rtc },
    id: 'client',
    role: 'answerer',
    signals: { send: relay(toClient), inbound$: toWorker },
  });
  return [client, worker];
}

/**
 * Breaks the live peer connection underneath a transport, as a network failure would:
 * the backend's own close (channels, SCTP, connection), with no `bye` first.
 */
export function breakLink(transport: WebRtcTransport): void {
  (transport as unknown as { peer: { close(): void } }).peer.close();
}

/** Two ends as core's compliance suite takes them: `dispose` closes both. */
export function pairFixture(client: Transport, worker: Transport): TransportPairFixture {
  return {
    client,
    worker,
    dispose: async () => {
      await client.close();
      await worker.close();
    },
  };
}
