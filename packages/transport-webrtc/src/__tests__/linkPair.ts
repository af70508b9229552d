import { Subject } from 'rxjs';
import { type LinkSignal, LinkSignalSchema, WIRE_VERSION } from '../internal/wireFrames.js';
import { WebRtcTransport, type WebRtcTransportOptions } from '../WebRtcTransport.js';

/**
 * Two werift transports wired by an in-process signal relay (no server): what the
 * compliance suite and unit tests use. Signals cross as JSON, as over a socket.
 * `workerOptions` override `options` at the worker end (its own clock, say).
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
