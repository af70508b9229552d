// The named WebRTC backends: the platform's built-in ones and those registered since,
// each loaded at most once. registerRtcBackend and resolveRtcBackend are the public faces.
import { platform } from '#platform';
import type { RtcBackend, RtcBackendFactory } from '../backends/RtcBackend.js';
import { TransportWebrtcError } from '../errors.js';

/** The name that picks the first backend of this platform that loads. */
export const AUTO_BACKEND = 'auto';

const factories = new Map<string, RtcBackendFactory>(Object.entries(platform.backends));
const loaded = new Map<string, Promise<RtcBackend>>();

export function setFactory(name: string, factory: RtcBackendFactory): void {
  factories.set(name, factory);
  loaded.delete(name);
}

export function knownNames(): string[] {
  return [...factories.keys(), AUTO_BACKEND];
}

export function isKnown(name: string): boolean {
  return name === AUTO_BACKEND || factories.has(name);
}

/** Loads the backend registered as `name` (once; a failure is kept too). */
export function loadNamed(name: string): Promise<RtcBackend> {
  let backend = loaded.get(name);
  if (!backend) {
    const factory = factories.get(name)!;
    backend = Promise.resolve()
      .then(factory)
      .then((made) => checked(name, made));
    backend.catch(() => undefined);
    loaded.set(name, backend);
  }
  return backend;
}

function checked(name: string, made: unknown): RtcBackend {
  const backend = made as Partial<RtcBackend> | undefined;
  if (typeof backend?.createPeer !== 'function' || typeof backend.name !== 'string') {
    throw new TransportWebrtcError(
      'bad_config',
      `the factory registered as WebRTC backend "${name}" returned no backend (an object with name and createPeer); fix its registerRtcBackend call`,
    );
  }
  return backend as RtcBackend;
}
