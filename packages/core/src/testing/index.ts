/**
 * Test helpers of `@trainwire/core`: the in-memory transport, a virtual clock, an
 * in-memory job store, a scripted worker, and the transport compliance suite (which
 * imports `vitest`).
 *
 * @packageDocumentation
 */
export { InMemoryJobStore } from './InMemoryJobStore.js';
export {
  createMemoryTransportPair,
  MemoryTransport,
  type MemoryTransportOptions,
} from './MemoryTransport.js';
export { ScriptedWorker, type ScriptedWorkerOptions, sha256Hex } from './ScriptedWorker.js';
export {
  createScriptedSetup,
  linkToScriptedWorker,
  type ScriptedSetup,
} from './scriptedSetup.js';
export { VirtualClock } from './VirtualClock.js';
