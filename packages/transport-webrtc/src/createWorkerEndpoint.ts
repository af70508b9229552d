import { type Observable, Subject } from 'rxjs';
import { requestedBackend, resolveRtcBackend } from './backends/resolveRtcBackend.js';
import { linkSignalsFrom } from './internal/linkSignals.js';
import { type LinkSignal, WIRE_VERSION } from './internal/wireFrames.js';
import { SignalingClient, type SignalingClientOptions } from './SignalingClient.js';
import type { RemotePeer } from './signalingMessages.js';
import { type WebRtcLinkOptions, WebRtcTransport } from './WebRtcTransport.js';

/** Options of {@link createWorkerEndpoint}. */
export interface WorkerEndpointOptions extends WebRtcLinkOptions {
  /**
   * The worker's signaling client, or what to create one from (role `worker`); an
   * endpoint that created its client connects it and closes it on `close()`.
   */
  signaling: SignalingClient | Omit<SignalingClientOptions, 'role'>;
  /** Most links open at once (64); further offers are ignored. */
  maxLinks?: number;
}

/** A link the endpoint closed because a credential was revoked. */
export interface LinkRevocation {
  /** The closed link. */
  transport: WebRtcTransport;
  /** The client at its far end. */
  remote: RemotePeer;
  /** The revoked credential: the client's, or (`own`) this worker's key. */
  credentialId: string;
  own: boolean;
}

/** A worker accepting peer-to-peer connections from the clients of its room. */
export interface WorkerEndpoint {
  /** Each client connection, once `open`; `transport.remote` says which credential opened it. */
  readonly connections$: Observable<WebRtcTransport>;
  /**
   * Each link closed because its client's credential, or this worker's key, was revoked:
   * log it ("link from client X closed: credential K revoked").
   */
  readonly revoked$: Observable<LinkRevocation>;
  /** The signaling client in use (its `peerId` is what clients connect to). */
  readonly signaling: SignalingClient;
  /**
   * Resolves with the worker's peer id once registered and once its WebRTC backend has
   * loaded; rejects with `bad_config` when that backend does not load here.
   */
  ready(): Promise<string>;
  /** Stops accepting and closes every open link. */
  close(): Promise<void>;
}

/** Links one peer may have in the making (offered, not yet open) at once. */
const MAX_PENDING_PER_PEER = 4;

/**
 * Accepts WebRTC connections from clients of the worker's room: each offer relayed by
 * signaling becomes a {@link WebRtcTransport}, emitted once open. A reconnecting client
 * re-offers on the same link and gets the same transport back to `open`. Only clients
 * may open links; each link is bound to the credential of the client that offered it
 * (the server stamps every signal), and is closed, with `bye`, as soon as signaling says
 * that credential or this worker's key was revoked. An `rtc.backend` (or
 * `TRAINWIRE_RTC_BACKEND`) that names no WebRTC backend throws `bad_config` at once.
 *
 * @example
 * ```ts
 * const endpoint = createWorkerEndpoint({ signaling: { url, room: 'lab', credential: workerKey, info } });
 * endpoint.connections$.subscribe((transport) => serveJobs(transport));
 * endpoint.revoked$.subscribe(({ remote, credentialId }) =>
 *   console.warn(`link from client ${remote.name} closed: credential ${credentialId} revoked`),
 * );
 * console.log('worker peer id', await endpoint.ready());
 * ```
 */
export function createWorkerEndpoint(options: WorkerEndpointOptions): WorkerEndpoint {
  const { maxLinks = 64, signaling: given, ...rest } = options;
  // A backend name that is not known fails here, not on each client's offer.
  const { request } = requestedBackend(rest.rtc?.backend);
  const backendLoaded = resolveRtcBackend(request);
  backendLoaded.catch(() => undefined);
  // Duck-typed rather than instanceof: two copies of this package may be loaded.
  const owned = !('signals$' in given);
  const signaling = owned ? new SignalingClient({ ...given, role: 'worker' }) : given;
  const registered = signaling.connect();
  registered.catch(() => undefined);
  const connections = new Subject<WebRtcTransport>();
  const revocations = new Subject<LinkRevocation>();
  const links = new Map<string, { inbound: Subject<LinkSignal>; transport: WebRtcTransport }>();
  const subscription = linkSignalsFrom(signaling).subscribe(({ from, sender, signal }) => {
    const key = `${from}\n${signal.link}`;
    const known = links.get(key);
    if (known) {
      // Bound to the credential that opened it.
      if (sender.credentialId === known.transport.remote?.credentialId) known.inbound.next(signal);
      return;
    }
    if (signal.kind !== 'offer' || links.size >= maxLinks) return;
    if (sender.role !== 'client' || signaling.isRevoked(sender.credentialId)) return;
    // One peer flooding offers cannot take every slot: a few links in the making each.
    let pending = 0;
    for (const [other, link] of links)
      if (other.startsWith(`${from}\n`) && link.transport.currentStatus === 'connecting') pending++;
    if (pending >= MAX_PENDING_PER_PEER) return;
    const inbound = new Subject<LinkSignal>();
    const transport = new WebRtcTransport({
      ...rest,
      id: from,
      role: 'answerer',
      remote: sender,
      signals: {
        send: (s) => signaling.signal(from, { v: WIRE_VERSION, link: signal.link, ...s }),
        inbound$: inbound.asObservable(),
      },
    });
    links.set(key, { inbound, transport });
    transport.status$.subscribe({ complete: () => links.delete(key) });
    transport.connect().then(
      () => connections.next(transport),
      () => links.delete(key),
    );
    inbound.next(signal);
  });
  const watch = signaling.revoked$.subscribe(({ credentialId, own }) => {
    for (const { transport } of [...links.values()]) {
      const remote = transport.remote!;
      if (!own && remote.credentialId !== credentialId) continue;
      void transport.close();
      revocations.next({ transport, remote, credentialId, own });
    }
  });
  return {
    connections$: connections.asObservable(),
    revoked$: revocations.asObservable(),
    signaling,
    ready: () => Promise.all([registered, backendLoaded]).then(([peerId]) => peerId),
    close: async () => {
      subscription.unsubscribe();
      watch.unsubscribe();
      connections.complete();
      revocations.complete();
      await Promise.all([...links.values()].map(({ transport }) => transport.close()));
      links.clear();
      if (owned) await signaling.close();
    },
  };
}
