// The server side of signaling.bench, alone in its process so that its RSS is its own.
//   server.mjs trainwire | ws   → {"url","token"}; then answers each stdin line with {"rss"}
// `trainwire`: createSignalingServer on 127.0.0.1 with one room. `ws`: a bare `ws` server
// that answers each hello with a welcome (the baseline: what any WebSocket server pays).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
// Each mode loads only its own library, so the baseline's RSS holds no trainwire code.
if (process.argv[2] === 'trainwire') {
  const { createSignalingServer } = await import('@trainwire/transport-webrtc');
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-signal-'));
  process.once('SIGTERM', () => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
  const server = await createSignalingServer({
    dataDir,
    // The bench's peers all come from one address, faster than a person would.
    rateLimit: { perSecond: 1_000, burst: 1_000 },
  });
  server.createRoom('bench');
  out({ url: server.url, token: server.createCredential('bench', 'room-token').secret });
} else {
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const hello = JSON.parse(data.toString());
      socket.send(JSON.stringify({ type: 'welcome', peerId: `p${hello.n}` }));
    });
  });
  out({ url: `ws://127.0.0.1:${wss.address().port}`, token: '' });
}
for await (const _ of createInterface({ input: process.stdin })) {
  global.gc?.();
  out({ rss: process.memoryUsage().rss });
}
