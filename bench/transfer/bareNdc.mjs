// A baseline for the node-datachannel backend: the same library with nothing of
// trainwire's around it. Two processes, as the other peer modes; the offer, answer and
// candidates cross a plain TCP socket (JSON lines) instead of a signaling server, and the
// file crosses one data channel as messages of trainwire's size, with trainwire's SCTP
// windows, path MTU and bufferedAmount marks (`BENCH_BARE_MTU` sets another MTU, to weigh
// trainwire's). What trainwire over node-datachannel costs beyond it is trainwire's share;
// the rest is libdatachannel's own. Its connect is
// libdatachannel's own negotiation too: the offer says `actpass`, which trainwire's
// backend does not (docs/protocol-signaling.md §2).
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { DEFAULT_NDC_SCTP, NDC_LOOPBACK_MTU } from '@trainwire/transport-webrtc';
import { positiveIntEnv } from '../env.mjs';
import { cpuMsSince, dialTcp, out, payload, timedHash } from './bytes.mjs';

const ndc = createRequire(import.meta.url)('node-datachannel');
ndc.setSctpSettings(DEFAULT_NDC_SCTP);

/** trainwire's message size on node-datachannel and its byte channels' marks. */
const MESSAGE = 256 * 1024;
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;
/** `BENCH_BARE_MTU`: a path MTU in place of trainwire's (on loopback, the one two node-datachannel ends agree on). */
const MTU_OVERRIDE = positiveIntEnv('BENCH_BARE_MTU', undefined);

/** A peer connection whose signaling is JSON lines on `socket`. */
function peerOver(socket, host) {
  const pc = new ndc.PeerConnection('bench', {
    iceServers: [],
    maxMessageSize: MESSAGE,
    // As trainwire's loopbackOnly: on the host, only the loopback interface and its MTU.
    ...(host === '127.0.0.1' ? { bindAddress: host, mtu: NDC_LOOPBACK_MTU } : {}),
    ...(MTU_OVERRIDE ? { mtu: MTU_OVERRIDE } : {}),
  });
  const send = (message) => socket.write(`${JSON.stringify(message)}\n`);
  pc.onLocalDescription((sdp, type) => send({ sdp, type }));
  pc.onLocalCandidate((candidate, mid) => send({ candidate, mid }));
  createInterface({ input: socket }).on('line', (line) => {
    const message = JSON.parse(line);
    if (message.sdp) pc.setRemoteDescription(message.sdp, message.type);
    else if (message.candidate) pc.addRemoteCandidate(message.candidate, message.mid);
  });
  socket.on('error', () => pc.close());
  return pc;
}

/** A channel of a new connection over `socket`, once open; and the connection. */
async function openChannel(socket, host) {
  const pc = peerOver(socket, host);
  const channel = pc.createDataChannel('bench');
  await new Promise((resolve) => channel.onOpen(resolve));
  return { pc, channel };
}

/** The receiving end: answers every connection; hashes each channel until "end", replies. */
export async function bareNdcRecv(host) {
  const server = createServer((socket) => {
    const pc = peerOver(socket, host);
    pc.onDataChannel((channel) => {
      const hash = timedHash();
      channel.onMessage((message) => {
        if (typeof message !== 'string') hash.update(message);
        else channel.sendMessage(JSON.stringify(hash.finish()));
      });
    });
    socket.on('close', () => pc.close());
  });
  server.listen(0, host, () => out({ port: server.address().port }));
}

/** Sends `mib` MiB; answers as tcp-send. `writeKib` is ignored: messages are trainwire's size. */
export async function bareNdcSend(host, port, mib) {
  const { data, sha256 } = payload(Number(mib));
  const socket = await dialTcp(host, port);
  const { pc, channel } = await openChannel(socket, host);
  // Timed from the open channel, as rtc-send times from the open transport.
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  channel.setBufferedAmountLowThreshold(LOW_WATER);
  let drained;
  channel.onBufferedAmountLow(() => drained?.());
  const reply = new Promise((resolve) => channel.onMessage((text) => resolve(JSON.parse(text))));
  for (let at = 0; at < data.length; at += MESSAGE) {
    if (channel.bufferedAmount() > HIGH_WATER) await new Promise((resolve) => (drained = resolve));
    channel.sendMessageBinary(data.subarray(at, at + MESSAGE));
  }
  channel.sendMessage('end');
  const answer = await reply;
  const ms = performance.now() - start;
  out({
    ms,
    ok: answer.sha256 === sha256,
    senderCpuMs: cpuMsSince(cpuBefore),
    receiverCpuMs: answer.cpuMs,
  });
  pc.close();
  socket.destroy();
}

/** `n` connects, each offer → channel open over a socket already open; answers as tcp-connect. */
export async function bareNdcConnect(host, port, n) {
  const connectMs = [];
  for (let i = 0; i < Number(n); i++) {
    const socket = await dialTcp(host, port);
    const start = performance.now();
    const { pc } = await openChannel(socket, host);
    connectMs.push(performance.now() - start);
    pc.close();
    socket.destroy();
  }
  out({ connectMs });
}
