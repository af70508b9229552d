// What browser.bench runs inside a Chromium page, on the bundled browser entry of
// @trainwire/transport-webrtc (the global `trainwire`, backend `browser`). Each function
// is handed to playwright's page.evaluate, so it is self-contained: it sees only its
// argument and the page's globals. Every link is made through the bench's signaling
// server in room `bench`; the pattern sent is peer.mjs's (byte i·4096 = i mod 256).
// Times are the page's performance.now(), in ms.

/**
 * Client end, upload: connects to worker `workerId`, sends `mib` MiB as one byte stream
 * in `writeKib` KiB writes, and waits for the receiver's `done` (sent at its last byte)
 * and its hash. `ms`: start of openByteStream → `done` arrives; `endedMs`: → the
 * writer's end() resolved (the data is then only queued, not delivered).
 */
export async function pageSend({ url, token, workerId, mib, writeKib }) {
  const tw = globalThis.trainwire;
  const hex = (buffer) =>
    [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const signaling = new tw.SignalingClient({
    url,
    room: 'bench',
    role: 'client',
    credential: token,
  });
  await signaling.connect();
  const connectStart = performance.now();
  const transport = await tw.connectToWorker({ signaling, workerId, rtc: { backend: 'browser' } });
  const connectMs = performance.now() - connectStart;
  const inbox = [];
  const waiters = [];
  transport.messages$.subscribe((text) => {
    inbox.push(JSON.parse(text));
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (op) => {
    for (;;) {
      const found = inbox.find((m) => m.op === op);
      if (found) return found;
      await new Promise((resolve) => waiters.push(resolve));
    }
  };
  const data = new Uint8Array(mib * 1024 * 1024);
  for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff;
  const sha256 = hex(await crypto.subtle.digest('SHA-256', data));
  const write = writeKib * 1024;
  const start = performance.now();
  const writer = await transport.openByteStream({
    id: 'bench',
    name: 'bench.bin',
    size: data.length,
    offset: 0,
  });
  for (let at = 0; at < data.length; at += write) await writer.write(data.subarray(at, at + write));
  await writer.end();
  const endedMs = performance.now() - start;
  const done = await next('done');
  const ms = performance.now() - start;
  const hashed = done.sha256 ? done : await next('sha');
  const backend = transport.backend;
  await transport.close();
  await signaling.close();
  return {
    ms,
    endedMs,
    connectMs,
    sha256,
    received: hashed.sha256,
    bytes: done.bytes,
    receiverCpuMs: done.cpuMs,
    error: done.error,
    ranOn: { sender: backend, receiver: done.backend ?? 'browser' },
  };
}

/**
 * Client end, download: connects to worker `workerId`, asks it for `mib` MiB and hashes
 * what arrives. `ms`: the request sent → the stream's last byte here.
 */
export async function pageDownload({ url, token, workerId, mib, writeKib }) {
  const tw = globalThis.trainwire;
  const hex = (buffer) =>
    [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const signaling = new tw.SignalingClient({
    url,
    room: 'bench',
    role: 'client',
    credential: token,
  });
  await signaling.connect();
  const transport = await tw.connectToWorker({ signaling, workerId, rtc: { backend: 'browser' } });
  const sent = new Promise((resolve) =>
    transport.messages$.subscribe((text) => {
      const message = JSON.parse(text);
      if (message.op === 'sent') resolve(message);
    }),
  );
  let start = 0;
  const arrived = new Promise((resolve, reject) =>
    transport.byteStreams$.subscribe((stream) => {
      const chunks = [];
      stream.chunks$.subscribe({
        next: (chunk) => chunks.push(chunk),
        error: reject,
        complete: () => resolve({ ms: performance.now() - start, chunks }),
      });
    }),
  );
  start = performance.now();
  transport.send(JSON.stringify({ op: 'download', mib, writeKib }));
  const { ms, chunks } = await arrived;
  const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.length;
  }
  const received = hex(await crypto.subtle.digest('SHA-256', joined));
  const report = await sent;
  const backend = transport.backend;
  await transport.close();
  await signaling.close();
  return {
    ms,
    bytes: joined.length,
    sha256: report.sha256,
    received,
    senderCpuMs: report.cpuMs,
    error: report.error,
    ranOn: { sender: report.backend, receiver: backend },
  };
}

/**
 * Worker end in a page: registers as `name` with worker key `key` (a name is tied to
 * the first key it registered with) and, for each byte stream a
 * client sends, answers `done` at its last byte (before hashing: the page has no
 * streaming SHA-256), then `sha` with the hash of what arrived. Resolves with its peer id.
 */
export async function pageWorker({ url, key, name }) {
  const tw = globalThis.trainwire;
  const hex = (buffer) =>
    [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const endpoint = tw.createWorkerEndpoint({
    signaling: { url, room: 'bench', credential: key, name },
    rtc: { backend: 'browser' },
  });
  endpoint.connections$.subscribe((transport) => {
    transport.byteStreams$.subscribe((stream) => {
      const chunks = [];
      let bytes = 0;
      stream.chunks$.subscribe({
        next: (chunk) => {
          chunks.push(chunk);
          bytes += chunk.length;
        },
        error: (error) => transport.send(JSON.stringify({ op: 'done', error: String(error) })),
        complete: async () => {
          transport.send(JSON.stringify({ op: 'done', id: stream.header.id, bytes }));
          const joined = new Uint8Array(bytes);
          let at = 0;
          for (const c of chunks) {
            joined.set(c, at);
            at += c.length;
          }
          const sha256 = hex(await crypto.subtle.digest('SHA-256', joined));
          transport.send(JSON.stringify({ op: 'sha', sha256 }));
        },
      });
    });
  });
  globalThis.benchEndpoint = endpoint;
  return endpoint.ready();
}

/**
 * The baseline without trainwire: two RTCPeerConnections in this page, signaled in
 * memory, one data channel, `mib` MiB in 64 KiB messages with the usual backpressure
 * (wait below 1 MiB buffered above 4 MiB). `ms`: first send → last byte at the far end.
 */
export async function pageRawPair({ mib }) {
  const hex = (buffer) =>
    [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  const channel = a.createDataChannel('raw', { ordered: true });
  channel.binaryType = 'arraybuffer';
  const data = new Uint8Array(mib * 1024 * 1024);
  for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff;
  const sha256 = hex(await crypto.subtle.digest('SHA-256', data));
  const received = new Uint8Array(data.length);
  let start = 0;
  const arrived = new Promise((resolve) => {
    b.ondatachannel = (e) => {
      let at = 0;
      e.channel.binaryType = 'arraybuffer';
      e.channel.onmessage = (m) => {
        received.set(new Uint8Array(m.data), at);
        at += m.data.byteLength;
        if (at === data.length) resolve(performance.now() - start);
      };
    };
  });
  const opened = new Promise((resolve) => (channel.onopen = resolve));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  await opened;
  channel.bufferedAmountLowThreshold = 1024 * 1024;
  start = performance.now();
  for (let at = 0; at < data.length; at += 65536) {
    if (channel.bufferedAmount > 4 * 1024 * 1024)
      await new Promise((resolve) => (channel.onbufferedamountlow = resolve));
    channel.send(data.subarray(at, at + 65536));
  }
  const ms = await arrived;
  const got = hex(await crypto.subtle.digest('SHA-256', received));
  a.close();
  b.close();
  return {
    ms,
    sha256,
    received: got,
    bytes: data.length,
    ranOn: { sender: 'raw', receiver: 'raw' },
  };
}
