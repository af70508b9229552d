import { TransportWebrtcError } from '../errors.js';
import { AUTO_BACKEND, setFactory } from '../internal/rtcBackendRegistry.js';
import type { RtcBackendFactory } from './RtcBackend.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Makes a WebRTC backend available by name to `rtc: { backend: name }` (and, in Node, to
 * `TRAINWIRE_RTC_BACKEND=name`). The factory runs once, on the first connection that
 * asks for it; it may `await import(...)` its library, so a package that is not
 * installed costs nothing until it is chosen. Registering a name again replaces it
 * (built-in names included) for the connections made after.
 *
 * @throws TransportWebrtcError `bad_config` for a name other than lowercase letters,
 *   digits, `.`, `_` and `-` (at most 64), or `auto`.
 * @example
 * ```ts
 * registerRtcBackend('werift-shipped', () => createWeriftBackend({ tuneSctp: false }));
 * const transport = await connectToWorker({ signaling, workerId, rtc: { backend: 'werift-shipped' } });
 * ```
 */
export function registerRtcBackend(name: string, factory: RtcBackendFactory): void {
  if (!NAME.test(name) || name === AUTO_BACKEND) {
    throw new TransportWebrtcError(
      'bad_config',
      `cannot register a WebRTC backend named ${JSON.stringify(name)}: use lowercase letters, digits, ".", "_" or "-" (at most 64 characters), and not "${AUTO_BACKEND}"`,
    );
  }
  if (typeof factory !== 'function') {
    throw new TransportWebrtcError(
      'bad_config',
      `registerRtcBackend("${name}", …) needs a function that returns the backend (or a promise of it)`,
    );
  }
  setFactory(name, factory);
}
