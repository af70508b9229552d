/**
 * The transport compliance suite, in its own entry because it imports `vitest`.
 *
 * @packageDocumentation
 */
export { runTransportCompliance, type TransportPairFixture } from './runTransportCompliance.js';
