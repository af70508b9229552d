// MB/s of one file over the WebRTC transport (werift ↔ werift, loopback) next to raw TCP
// on loopback, measured in the same run, plus the time to connect. Aim: ≥ 25 MB/s.
// The WebRTC transfer runs with trainwire's SCTP tuning and with werift as shipped
// (`tuneSctp: false` at both ends), in alternating rounds; the median of each is shown.
// SIZE_MIB (default 256), CHUNK_KIB (write size, default 1024) and ROUNDS (default 3).
// CPU ms per MiB at each end is steadier than MB/s on a shared machine, and says what one
// core per end (client and worker on different machines) could reach: 1000 / the larger.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  connectToWorker,
  createSignalingServer,
  SignalingClient,
} from '@trainwire/transport-webrtc';
import { firstValueFrom } from 'rxjs';
import { positiveIntEnv } from '../env.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const SIZE = positiveIntEnv('SIZE_MIB', 256) * 1024 * 1024;
const WRITE = positiveIntEnv('CHUNK_KIB', 1024) * 1024;
const ROUNDS = positiveIntEnv('ROUNDS', 3);

const data = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i += 4096) data[i] = (i / 4096) & 0xff;
const expected = createHash('sha256').update(data).digest('hex');
const mbps = (bytes, ms) => bytes / 1024 / 1024 / (ms / 1000);

async function overTcp() {
  const server = createServer();
  const received = new Promise((resolve) =>
    server.on('connection', (socket) => {
      const hash = createHash('sha256');
      socket.on('data', (chunk) => hash.update(chunk));
      socket.on('end', () => resolve(hash.digest('hex')));
    }),
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const start = performance.now();
  const socket = connect(server.address().port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  for (let at = 0; at < SIZE; at += WRITE) {
    if (!socket.write(data.subarray(at, at + WRITE)))
      await new Promise((r) => socket.once('drain', r));
  }
  socket.end();
  const hash = await received;
  const ms = performance.now() - start;
  server.close();
  return { ms, ok: hash === expected };
}

async function overWebRtc(tuneSctp) {
  const rtc = { loopbackOnly: true, tuneSctp };
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-'));
  const server = await createSignalingServer({ dataDir: dir });
  server.createRoom('bench');
  const key = server.createCredential('bench', 'worker-key').secret;
  const token = server.createCredential('bench', 'room-token').secret;
  // The worker runs in its own process, as it does in real use (with our node flags, so
  // `node --cpu-prof transfer.bench.mjs` profiles both ends).
  const child = spawn(
    process.execPath,
    [...process.execArgv, join(here, 'receiver.mjs'), server.url, 'bench', key, String(tuneSctp)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const { peerId } = JSON.parse(line);
  const client = new SignalingClient({
    url: server.url,
    room: 'bench',
    role: 'client',
    credential: token,
  });
  await client.connect();
  const connectStart = performance.now();
  const transport = await connectToWorker({ signaling: client, workerId: peerId, rtc });
  const connectMs = performance.now() - connectStart;
  const reply = firstValueFrom(transport.messages$);
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const writer = await transport.openByteStream({
    id: 'bench',
    name: 'bench.bin',
    size: SIZE,
    offset: 0,
  });
  for (let at = 0; at < SIZE; at += WRITE) await writer.write(data.subarray(at, at + WRITE));
  await writer.end();
  const { sha256, error, cpuMs: receiverCpuMs } = JSON.parse(await reply);
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const senderCpuMs = (cpu.user + cpu.system) / 1000;
  if (error) console.error(`receiver: ${error}`);
  await transport.close();
  child.kill('SIGTERM');
  await once(child, 'exit');
  await client.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  return { ms, connectMs, senderCpuMs, receiverCpuMs, ok: sha256 === expected };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const tcp = await overTcp();
const runs = { tuned: [], shipped: [] };
for (let round = 0; round < ROUNDS; round++) {
  runs.tuned.push(await overWebRtc(true));
  runs.shipped.push(await overWebRtc(false));
}
const summary = (label, results) => {
  const ms = median(results.map((r) => r.ms));
  const speeds = results.map((r) => mbps(SIZE, r.ms).toFixed(1)).join(', ');
  const ok = results.every((r) => r.ok);
  const mib = SIZE / 1024 / 1024;
  const sender = median(results.map((r) => r.senderCpuMs)) / mib;
  const receiver = median(results.map((r) => r.receiverCpuMs)) / mib;
  console.log(
    `${label}: ${mbps(SIZE, ms).toFixed(1)} MB/s median (${speeds}) hash ${ok ? 'ok' : 'MISMATCH'}`,
  );
  console.log(
    `  CPU per MiB            : sender ${sender.toFixed(1)} ms, receiver ${receiver.toFixed(1)} ms → one core per end: ${(1000 / Math.max(sender, receiver)).toFixed(1)} MB/s`,
  );
  return { ms, ok };
};
console.log(
  `file: ${SIZE / 1024 / 1024} MiB, written in ${WRITE / 1024} KiB pieces, loopback, ${ROUNDS} rounds`,
);
console.log(
  `raw TCP                  : ${mbps(SIZE, tcp.ms).toFixed(1)} MB/s (${tcp.ms.toFixed(0)} ms) hash ${tcp.ok ? 'ok' : 'MISMATCH'}`,
);
const tuned = summary('WebRTC, tuned SCTP       ', runs.tuned);
const shipped = summary('WebRTC, werift as shipped', runs.shipped);
console.log(
  `WebRTC connect           : ${median(runs.tuned.map((r) => r.connectMs)).toFixed(0)} ms median (offer to open control channel)`,
);
console.log(
  `ratios                   : TCP/tuned ${(tuned.ms / tcp.ms).toFixed(1)}x, tuned/shipped ${(shipped.ms / tuned.ms).toFixed(2)}x; aim for WebRTC: ≥ 25 MB/s`,
);
if (!tcp.ok || !tuned.ok || !shipped.ok) process.exit(1);
