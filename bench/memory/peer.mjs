// One end of memory.bench, in its own process, as a worker and a client are in real use.
// Takes commands as JSON lines on stdin ({"id","cmd",…}) and answers each with a JSON line
// on stdout ({"id",…} or {"id","error"}); commands run concurrently, so `peek` and the
// meter answer while a transfer is under way.
//   peer.mjs worker URL ROOM WORKER_KEY DATA_DIR → {"ready":true}: createWorker on DATA_DIR,
//       online in ROOM through transport-webrtc's goOnline (as `trainwire worker` / `up`)
//   peer.mjs client URL ROOM TOKEN               → {"ready":true,"backend"}: connectWithCredentials
//       (as the CLI's remote commands), an RpcPeer on the link
// Both ends: meter-start, meter-stop, peek, hash {path}, rm {path}, and the TCP baseline:
// tcp-recv {path} → {port} (then tcp-wait → {bytes}), tcp-send {port, path} → {bytes}.
// The worker: info → {backend}. The client: upload {path} (the CLI's `train --upload`:
// its localFile, then core's uploadFile) → {remotePath, hashMs, ms}; download {remotePath,
// outPath} (the CLI's `fetch`: core's fetchArtifact into its fileDownloadTarget) → {ms}.
// The WebRTC backend is TRAINWIRE_RTC_BACKEND, which the bench sets for both processes.
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { fetchArtifact, RpcPeer, uploadFile } from '@trainwire/core';
import { connectWithCredentials, goOnline } from '@trainwire/transport-webrtc';
import { createWorker } from '@trainwire/worker';
import { hashFile } from './patternFile.mjs';
import { createRssMeter } from './rssMeter.mjs';

// The CLI's own readers and writers of local files, so that the bench measures the path a
// user's `trainwire train --upload` and `trainwire fetch` take (they are not exported).
const cliInternal = (name) =>
  import(new URL(`../../packages/cli/dist/internal/${name}.js`, import.meta.url).href);
const { localFile } = await cliInternal('localFile');
const { fileDownloadTarget } = await cliInternal('fileDownloadTarget');

const [mode, url, room, credential, dataDir] = process.argv.slice(2);
const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const meter = createRssMeter(Number(process.env.BENCH_MEMORY_SAMPLE_MS ?? 100));
/** Bytes of the transfer under way, for `peek`. */
let moved = 0;
let tcpDone;

const common = {
  'meter-start': () => meter.start(),
  'meter-stop': () => meter.stop(),
  peek: () => ({ ...meter.peek(), bytes: moved }),
  hash: ({ path }) => hashFile(path),
  rm: ({ path }) => {
    rmSync(path, { force: true });
    return {};
  },
  'tcp-recv': ({ path }) =>
    new Promise((resolve, reject) => {
      const server = createServer((socket) => {
        server.close();
        let bytes = 0;
        socket.on('data', (chunk) => {
          bytes += chunk.length;
          moved = bytes;
        });
        tcpDone = pipeline(socket, createWriteStream(path)).then(() => ({ bytes }));
        tcpDone.catch(() => undefined);
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port }));
    }),
  'tcp-wait': () => tcpDone,
  'tcp-send': async ({ port, path }) => {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const file = createReadStream(path);
    let bytes = 0;
    file.on('data', (chunk) => {
      bytes += chunk.length;
      moved = bytes;
    });
    await pipeline(file, socket);
    return { bytes };
  },
};

async function startWorker() {
  const worker = await createWorker({ dataDir, name: 'bench-memory-worker' });
  let backend;
  // The worker as goOnline serves it, noting which backend each link runs on.
  const servable = {
    info: () => worker.info(),
    accept: (transport, identity) => {
      backend = transport.backend;
      return worker.accept(transport, identity);
    },
  };
  const online = await goOnline(servable, { signalingUrl: url, room, credential });
  const close = async () => {
    await online.close();
    await worker.close();
  };
  return { hello: {}, close, commands: { info: () => ({ backend }) } };
}

async function startClient() {
  const session = await connectWithCredentials(
    { signalingUrl: url, room, credential },
    { clientName: 'bench-memory' },
  );
  const peer = new RpcPeer(session.transport);
  const onProgress = (progress) => {
    moved = progress.bytes;
  };
  const commands = {
    upload: async ({ path }) => {
      moved = 0;
      const hashing = performance.now();
      const file = await localFile(path);
      const hashMs = performance.now() - hashing;
      const start = performance.now();
      const remotePath = await uploadFile(peer, file, { onProgress });
      return { remotePath, hashMs, ms: performance.now() - start, sha256: file.sha256 };
    },
    download: async ({ remotePath, outPath }) => {
      moved = 0;
      const start = performance.now();
      const target = fileDownloadTarget(outPath, (error) => error);
      const fetched = await fetchArtifact(peer, remotePath, target, { onProgress });
      return { ...fetched, ms: performance.now() - start };
    },
  };
  return { hello: { backend: session.transport.backend }, close: () => session.close(), commands };
}

const modes = { worker: startWorker, client: startClient };
if (!modes[mode]) throw new Error(`memory/peer.mjs: unknown mode "${mode}"`);
let end;
try {
  end = await modes[mode]();
} catch (error) {
  out({ error: `${mode} did not start: ${error.message}` });
  process.exit(1);
}
const commands = { ...common, ...end.commands };
const shutdown = async () => {
  await Promise.race([
    end.close().catch(() => undefined),
    new Promise((r) => setTimeout(r, 5_000)),
  ]);
  process.exit(0);
};
process.once('SIGTERM', shutdown);
out({ ready: true, ...end.hello });
for await (const line of createInterface({ input: process.stdin })) {
  const { id, cmd, ...args } = JSON.parse(line);
  if (cmd === 'close') {
    out({ id });
    await shutdown();
  }
  const run = commands[cmd];
  if (!run) {
    out({ id, error: `unknown command ${cmd}` });
    continue;
  }
  Promise.resolve()
    .then(() => run(args))
    .then(
      (result) => out({ id, ...result }),
      (error) => out({ id, error: error.message ?? String(error) }),
    );
}
// stdin closed: the bench is gone.
await shutdown();
