// What a host ships for the remote-training panel: every widget and hook of ui-react, the
// core objects a host creates, and the browser build of the WebRTC transport. React is the
// host's own and left out of the measure.

export { container, JobManager, registerCore, TRANSPORT, WorkerDirectory } from '@trainwire/core';
export { connectToWorker, listWorkers, SignalingClient } from '@trainwire/transport-webrtc';
export * from '@trainwire/ui-react';

import 'uplot/dist/uPlot.min.css';
