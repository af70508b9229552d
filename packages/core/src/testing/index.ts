/**
 * Test helpers of `@trainwire/core`: the in-memory transport, a virtual clock, an
 * in-memory job store, a scripted worker, and the protocol conformance kit (the transport
 * compliance suite, which imports `vitest`, is `@trainwire/core/testing/compliance`).
 *
 * @packageDocumentation
 */
export {
  CONFORMANCE_JOB,
  type ConformanceCheck,
  type ConformanceReport,
  type ConformanceResult,
  formatConformanceReport,
  runWorkerConformance,
  WORKER_CHECKS,
  type WorkerConformanceOptions,
} from './conformance.js';
export { type ClientDriver, runClientConformance } from './conformanceClient.js';
export { ConformanceContext, ConformanceFailure } from './conformanceContext.js';
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
export { type WatchedWrite, writeWatched } from './writeWatched.js';
