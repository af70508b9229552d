// The Node end of browser.bench: a worker endpoint in its own process on a signaling
// server that browser.bench runs, as a real worker is. Prints JSON lines on stdout.
//   browserWorker.mjs URL KEY RTC_JSON → {"peerId","backend"} once registered
// For each byte stream a client sends, it hashes what arrives and answers on the link,
// at the stream's last byte: {"op":"done","id","bytes","sha256","cpuMs","backend"}.
// On {"op":"download","mib","writeKib"} it sends the bench's payload back as a byte
// stream (id "download") and then answers {"op":"sent","sha256","cpuMs","backend"}.
// CPU is this process's user + system time from the stream's start, less hashing.
import { createHash } from 'node:crypto';
import { createWorkerEndpoint, SignalingClient } from '@trainwire/transport-webrtc';

const [url, key, rtcJson] = process.argv.slice(2);
const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const cpuMsSince = (before) => {
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000;
};

/** The bytes every sender sends: peer.mjs's pattern (byte i·4096 = i mod 256, else 0). */
function payload(mib) {
  const data = new Uint8Array(mib * 1024 * 1024);
  for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff;
  return data;
}

function receive(transport, stream) {
  const hash = createHash('sha256');
  const cpuBefore = process.cpuUsage();
  let hashingMs = 0;
  let bytes = 0;
  stream.chunks$.subscribe({
    next: (chunk) => {
      bytes += chunk.length;
      const t = performance.now();
      hash.update(chunk);
      hashingMs += performance.now() - t;
    },
    error: (error) => transport.send(JSON.stringify({ op: 'done', error: String(error) })),
    complete: () =>
      transport.send(
        JSON.stringify({
          op: 'done',
          id: stream.header.id,
          bytes,
          sha256: hash.digest('hex'),
          cpuMs: cpuMsSince(cpuBefore) - hashingMs,
          backend: transport.backend,
        }),
      ),
  });
}

async function download(transport, { mib, writeKib }) {
  const data = payload(mib);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const write = writeKib * 1024;
  const cpuBefore = process.cpuUsage();
  const writer = await transport.openByteStream({
    id: 'download',
    name: 'download.bin',
    size: data.length,
    offset: 0,
  });
  for (let at = 0; at < data.length; at += write) await writer.write(data.subarray(at, at + write));
  await writer.end();
  const cpuMs = cpuMsSince(cpuBefore);
  transport.send(JSON.stringify({ op: 'sent', sha256, cpuMs, backend: transport.backend }));
}

const signaling = new SignalingClient({
  url,
  room: 'bench',
  role: 'worker',
  credential: key,
  name: `bench-${JSON.parse(rtcJson).backend}`,
});
await signaling.connect();
const endpoint = createWorkerEndpoint({
  signaling,
  rtc: { ...JSON.parse(rtcJson), loopbackOnly: true },
});
endpoint.connections$.subscribe((transport) => {
  transport.byteStreams$.subscribe((stream) => receive(transport, stream));
  transport.messages$.subscribe((text) => {
    const message = JSON.parse(text);
    if (message.op === 'download')
      download(transport, message).catch((error) =>
        transport.send(JSON.stringify({ op: 'sent', error: String(error) })),
      );
  });
});
await endpoint.ready();
out({ peerId: signaling.peerId });
process.once('SIGTERM', async () => {
  await endpoint.close();
  await signaling.close();
  process.exit(0);
});
