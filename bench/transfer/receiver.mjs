// The receiving worker of transfer.bench.mjs, in its own process as in real use: hashes
// each inbound byte stream and reports the digest and the CPU time it took on the
// control channel.
// Usage: node receiver.mjs <signalingUrl> <room> <workerKey> [tuneSctp: true|false]
import { createHash } from 'node:crypto';
import { createWorkerEndpoint, SignalingClient } from '@trainwire/transport-webrtc';

const [url, room, credential, tune = 'true'] = process.argv.slice(2);
const signaling = new SignalingClient({
  url,
  room,
  role: 'worker',
  credential,
  name: 'bench-worker',
});
await signaling.connect();
const endpoint = createWorkerEndpoint({
  signaling,
  rtc: { loopbackOnly: true, tuneSctp: tune !== 'false' },
});
endpoint.connections$.subscribe((transport) => {
  transport.byteStreams$.subscribe((stream) => {
    const hash = createHash('sha256');
    // CPU this process spent on the transfer, less the hashing (the bench's, not ours).
    const cpuBefore = process.cpuUsage();
    let hashingMs = 0;
    stream.chunks$.subscribe({
      next: (chunk) => {
        const t = performance.now();
        hash.update(chunk);
        hashingMs += performance.now() - t;
      },
      error: (error) => transport.send(JSON.stringify({ error: String(error) })),
      complete: () => {
        const cpu = process.cpuUsage(cpuBefore);
        const cpuMs = (cpu.user + cpu.system) / 1000 - hashingMs;
        transport.send(JSON.stringify({ sha256: hash.digest('hex'), cpuMs }));
      },
    });
  });
});
process.stdout.write(`${JSON.stringify({ peerId: signaling.peerId })}\n`);
process.on('SIGTERM', async () => {
  await endpoint.close();
  await signaling.close();
  process.exit(0);
});
