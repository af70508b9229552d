import { platform } from '#platform';
import { TransportWebrtcError } from '../errors.js';
import { AUTO_BACKEND, isKnown, knownNames, loadNamed } from '../internal/rtcBackendRegistry.js';
import type { RtcBackend } from './RtcBackend.js';

/** A backend by registered name (`werift`, `node-datachannel`, `browser`, `auto`, …) or an instance. */
export type RtcBackendChoice = string | RtcBackend;

/** Which backend a connection gets, and why. */
export interface RtcBackendResolution {
  backend: RtcBackend;
  /** The name asked for (`auto` included), or the instance's name. */
  requested: string;
  /** Where the request came from: `rtc.backend`, `TRAINWIRE_RTC_BACKEND`, or the platform's default. */
  source: 'option' | 'env' | 'default';
  /** Backends `auto` tried before this one, which do not load here, each with why. */
  skipped: Array<{ name: string; reason: string }>;
}

/** The variable Node reads when `rtc.backend` is not given. */
export const RTC_BACKEND_ENV = 'TRAINWIRE_RTC_BACKEND';

/**
 * What `choice` (or, without one, the environment, or the platform's default) asks for,
 * checked: an unknown name throws at once, before any connection is tried.
 * @internal
 */
export function requestedBackend(choice?: RtcBackendChoice): {
  request: RtcBackendChoice;
  source: RtcBackendResolution['source'];
} {
  if (choice !== undefined && typeof choice !== 'string') {
    if (typeof choice?.createPeer !== 'function' || typeof choice.name !== 'string')
      throw new TransportWebrtcError(
        'bad_config',
        'rtc.backend must be a backend name or an object with name and createPeer (an RtcBackend)',
      );
    return { request: choice, source: 'option' };
  }
  const fromEnv = choice === undefined ? platform.envBackend()?.trim() : undefined;
  const source = choice !== undefined ? 'option' : fromEnv ? 'env' : 'default';
  const name = choice ?? (fromEnv || platform.defaultBackend);
  if (!isKnown(name)) {
    const known = knownNames().join(', ');
    throw new TransportWebrtcError(
      'bad_config',
      source === 'env'
        ? `${RTC_BACKEND_ENV} is ${JSON.stringify(name)}, which is not a WebRTC backend; set it to one of ${known}, or unset it`
        : `rtc.backend is ${JSON.stringify(name)}, which is not a WebRTC backend; use one of ${known} (or register it with registerRtcBackend first)`,
    );
  }
  return { request: name, source };
}

/**
 * Picks and loads the WebRTC backend for `choice`: an instance as it is; a registered
 * name; `auto`, the first of this platform's backends that loads (Node:
 * node-datachannel, then werift; a browser: its own `RTCPeerConnection`). Without a
 * choice, Node reads `TRAINWIRE_RTC_BACKEND`, then uses the platform's default. Each
 * backend is loaded once per process. `WebRtcTransport` calls this itself; call it to
 * show which backend connections will use (`trainwire env`).
 *
 * @throws TransportWebrtcError `bad_config`: an unknown name, or a named backend whose
 *   library does not load here (the message says what to install or choose instead).
 * @example
 * ```ts
 * const { backend, skipped } = await resolveRtcBackend();
 * console.log(`WebRTC: ${backend.name}`, skipped.map((s) => `(${s.name}: ${s.reason})`).join(' '));
 * ```
 */
export async function resolveRtcBackend(choice?: RtcBackendChoice): Promise<RtcBackendResolution> {
  const { request, source } = requestedBackend(choice);
  if (typeof request !== 'string')
    return { backend: request, requested: request.name, source, skipped: [] };
  if (request !== AUTO_BACKEND) {
    try {
      return { backend: await loadNamed(request), requested: request, source, skipped: [] };
    } catch (error) {
      throw notLoaded(request, error);
    }
  }
  const skipped: RtcBackendResolution['skipped'] = [];
  for (const name of platform.autoOrder) {
    try {
      return { backend: await loadNamed(name), requested: request, source, skipped };
    } catch (error) {
      skipped.push({ name, reason: reasonOf(error) });
    }
  }
  throw new TransportWebrtcError(
    'bad_config',
    `no WebRTC backend loads here: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}`,
  );
}

const reasonOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

function notLoaded(name: string, error: unknown): TransportWebrtcError {
  if ((error as { code?: unknown })?.code === 'bad_config') return error as TransportWebrtcError;
  const others = platform.autoOrder.filter((other) => other !== name);
  const instead = others.length
    ? `, or choose ${others.join(' or ')} (rtc.backend, or ${RTC_BACKEND_ENV} in Node)`
    : '';
  return new TransportWebrtcError(
    'bad_config',
    `the WebRTC backend ${name} does not load here: ${reasonOf(error)}${instead}`,
    { cause: error },
  );
}
