// One end of a transfer.bench / connect.bench run, in its own process (and, through the
// relay, its own network namespace), as client and worker are in real use. Prints JSON
// lines on stdout.
//   peer.mjs tcp-recv HOST                       → {"port"}; hashes each connection, answers on it
//   peer.mjs tcp-send HOST PORT MIB WRITE_KIB    → {"ms","ok","senderCpuMs","receiverCpuMs"}
//   peer.mjs tcp-connect HOST PORT N             → {"connectMs":[…]}
//   peer.mjs rtc-worker HOST RTC_JSON            → {"url","token","peerId"}; signaling server,
//                                                  worker endpoint, hashes each byte stream
//   peer.mjs rtc-send URL TOKEN PEER RTC_JSON MIB WRITE_KIB [STREAMS] → as tcp-send, plus
//                                                  "connectMs"; STREAMS byte streams at once
//   peer.mjs rtc-connect URL TOKEN PEER RTC_JSON N         → {"connectMs":[…]}
//   peer.mjs bare-ndc-recv|-send|-connect …      as tcp-*, over a bare node-datachannel
//                                                  data channel (bareNdc.mjs), a baseline
// RTC_JSON is the backend's RtcOptions (transfer/backends.mjs); loopbackOnly is added on
// 127.0.0.1. CPU is this process's user + system time during the transfer, less hashing.
// Both ends print the WebRTC backend they ran on (`backend`), so a run cannot report one
// backend's numbers under another's name.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectToWorker,
  createNodeDatachannelBackend,
  createSignalingServer,
  createWeriftBackend,
  createWorkerEndpoint,
  registerRtcBackend,
  SignalingClient,
} from '@trainwire/transport-webrtc';
import { firstValueFrom, take, toArray } from 'rxjs';
import { bareNdcConnect, bareNdcRecv, bareNdcSend } from './bareNdc.mjs';
import { cpuMsSince, dialTcp, out, payload, timedHash } from './bytes.mjs';

// The bench's own variants, to weigh trainwire's tuning of each library.
registerRtcBackend('werift-shipped', () => createWeriftBackend({ tuneSctp: false }));
registerRtcBackend('ndc-default-sctp', () =>
  createNodeDatachannelBackend({
    sctp: { recvBufferSize: 1024 * 1024, sendBufferSize: 1024 * 1024 },
  }),
);
// Tuning experiments: createNodeDatachannelBackend's options as JSON in BENCH_NDC_OPTIONS
// (`ndc-env`) and BENCH_NDC_OPTIONS_B (`ndc-env-b`), so two settings alternate in one run.
registerRtcBackend('ndc-env', () =>
  createNodeDatachannelBackend(JSON.parse(process.env.BENCH_NDC_OPTIONS || '{}')),
);
registerRtcBackend('ndc-env-b', () =>
  createNodeDatachannelBackend(JSON.parse(process.env.BENCH_NDC_OPTIONS_B || '{}')),
);

const [mode, ...args] = process.argv.slice(2);
const rtcOptions = (json, host) => ({
  ...JSON.parse(json),
  ...(host === '127.0.0.1' ? { loopbackOnly: true } : {}),
});

async function tcpRecv(host) {
  const server = createServer((socket) => {
    const hash = timedHash();
    let bytes = 0;
    socket.on('data', (chunk) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    socket.on('error', () => {});
    socket.on('end', () => bytes > 0 && socket.end(JSON.stringify(hash.finish())));
  });
  server.listen(0, host, () => out({ port: server.address().port }));
}

async function tcpSend(host, port, mib, writeKib) {
  const { data, sha256 } = payload(Number(mib));
  const write = Number(writeKib) * 1024;
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const socket = await dialTcp(host, port);
  let answer = '';
  socket.on('data', (d) => (answer += d));
  const answered = new Promise((resolve) => socket.once('end', resolve));
  for (let at = 0; at < data.length; at += write) {
    if (!socket.write(data.subarray(at, at + write)))
      await new Promise((resolve) => socket.once('drain', resolve));
  }
  socket.end();
  await answered;
  const ms = performance.now() - start;
  const senderCpuMs = cpuMsSince(cpuBefore);
  const reply = JSON.parse(answer);
  out({ ms, ok: reply.sha256 === sha256, senderCpuMs, receiverCpuMs: reply.cpuMs });
}

async function tcpConnect(host, port, n) {
  const connectMs = [];
  for (let i = 0; i < Number(n); i++) {
    const start = performance.now();
    const socket = await dialTcp(host, port);
    connectMs.push(performance.now() - start);
    socket.destroy();
  }
  out({ connectMs });
}

async function rtcWorker(host, rtcJson) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-signal-'));
  const server = await createSignalingServer({ host, dataDir });
  server.createRoom('bench');
  const key = server.createCredential('bench', 'worker-key').secret;
  const token = server.createCredential('bench', 'room-token').secret;
  const signaling = new SignalingClient({
    url: server.url,
    room: 'bench',
    role: 'worker',
    credential: key,
    name: 'bench-worker',
  });
  await signaling.connect();
  const endpoint = createWorkerEndpoint({ signaling, rtc: rtcOptions(rtcJson, host) });
  endpoint.connections$.subscribe((transport) => {
    transport.byteStreams$.subscribe((stream) => {
      const hash = timedHash();
      stream.chunks$.subscribe({
        next: (chunk) => hash.update(chunk),
        error: (error) => transport.send(JSON.stringify({ error: String(error) })),
        complete: () =>
          transport.send(
            JSON.stringify({ ...hash.finish(), id: stream.header.id, backend: transport.backend }),
          ),
      });
    });
  });
  out({ url: server.url, token, peerId: signaling.peerId });
  process.once('SIGTERM', async () => {
    await endpoint.close();
    await signaling.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

async function rtcClient(url, token, rtcJson) {
  const client = new SignalingClient({ url, room: 'bench', role: 'client', credential: token });
  await client.connect();
  return { client, rtc: rtcOptions(rtcJson, new URL(url).hostname) };
}

async function rtcSend(url, token, workerId, rtcJson, mib, writeKib, streams = '1') {
  const { data, sha256 } = payload(Number(mib));
  const write = Number(writeKib) * 1024;
  const { client, rtc } = await rtcClient(url, token, rtcJson);
  const connectStart = performance.now();
  const transport = await connectToWorker({ signaling: client, workerId, rtc });
  const connectMs = performance.now() - connectStart;
  // STREAMS > 1 splits the file into that many byte streams sent side by side.
  const count = Number(streams);
  const part = Math.ceil(data.length / count);
  const parts = Array.from({ length: count }, (_, i) => data.subarray(i * part, (i + 1) * part));
  const hashes = parts.map((bytes) =>
    count === 1 ? sha256 : createHash('sha256').update(bytes).digest('hex'),
  );
  const replies = firstValueFrom(transport.messages$.pipe(take(count), toArray()));
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const sendPart = async (bytes, i) => {
    const writer = await transport.openByteStream({
      id: count === 1 ? 'bench' : `bench-${i}`,
      name: `bench-${i}.bin`,
      size: bytes.length,
      offset: 0,
    });
    for (let at = 0; at < bytes.length; at += write)
      await writer.write(bytes.subarray(at, at + write));
    await writer.end();
  };
  await Promise.all(parts.map(sendPart));
  const answers = (await replies).map((text) => JSON.parse(text));
  const ms = performance.now() - start;
  const senderCpuMs = cpuMsSince(cpuBefore);
  for (const answer of answers) if (answer.error) console.error(`receiver: ${answer.error}`);
  const byId = new Map(answers.map((answer) => [answer.id, answer]));
  const ok = parts.every(
    (_, i) => byId.get(count === 1 ? 'bench' : `bench-${i}`)?.sha256 === hashes[i],
  );
  out({
    ms,
    ok,
    senderCpuMs,
    // Each stream's hash counts the receiver's CPU from its own start: they overlap.
    receiverCpuMs: Math.max(...answers.map((answer) => answer.cpuMs ?? 0)),
    connectMs,
    ranOn: { sender: transport.backend, receiver: answers[0]?.backend },
  });
  await transport.close();
  await client.close();
}

async function rtcConnect(url, token, workerId, rtcJson, n) {
  const { client, rtc } = await rtcClient(url, token, rtcJson);
  const connectMs = [];
  for (let i = 0; i < Number(n); i++) {
    const start = performance.now();
    const transport = await connectToWorker({ signaling: client, workerId, rtc });
    connectMs.push(performance.now() - start);
    await transport.close();
  }
  out({ connectMs });
  await client.close();
}

const modes = {
  'tcp-recv': tcpRecv,
  'tcp-send': tcpSend,
  'tcp-connect': tcpConnect,
  'rtc-worker': rtcWorker,
  'rtc-send': rtcSend,
  'rtc-connect': rtcConnect,
  'bare-ndc-recv': bareNdcRecv,
  'bare-ndc-send': bareNdcSend,
  'bare-ndc-connect': bareNdcConnect,
};
if (!modes[mode]) throw new Error(`peer.mjs: unknown mode "${mode}"`);
try {
  await modes[mode](...args);
} catch (error) {
  // One line the bench records (a connect that timed out at 1 % loss), not a stack.
  out({ error: error.message });
  process.exit(1);
}
if (!mode.endsWith('-recv') && !mode.endsWith('-worker')) process.exit(0);
