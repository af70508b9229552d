import { runTransportCompliance } from '@trainwire/core/testing/compliance';
import { createWebRtcPair } from './__tests__/linkPair.js';

runTransportCompliance('webrtc (werift)', async () => {
  const [client, worker] = createWebRtcPair();
  return {
    client,
    worker,
    dispose: async () => {
      await client.close();
      await worker.close();
    },
  };
});
