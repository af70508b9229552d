import { runTransportCompliance } from '@trainwire/core/testing/compliance';
import { runBackendCompliance } from './__tests__/backendCompliance.js';
import { createWebRtcPair, NODE_BACKENDS, pairFixture } from './__tests__/linkPair.js';

// Core's suite on each backend, and across them (the wire is standard WebRTC), then the
// backend suite (large, concurrent and resumed byte streams, backpressure, close) on each.
const pairs = [
  ...NODE_BACKENDS.map((backend) => [backend, backend] as const),
  ['werift', 'node-datachannel'],
  ['node-datachannel', 'werift'],
] as const;

for (const [clientBackend, workerBackend] of pairs) {
  const name =
    clientBackend === workerBackend
      ? `webrtc (${clientBackend})`
      : `webrtc (client ${clientBackend} ↔ worker ${workerBackend})`;
  runTransportCompliance(name, async () => {
    const [client, worker] = createWebRtcPair(
      { rtc: { backend: clientBackend } },
      { rtc: { backend: workerBackend } },
    );
    return pairFixture(client, worker);
  });
}

for (const backend of NODE_BACKENDS) runBackendCompliance(backend);
