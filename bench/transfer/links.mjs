// The links transfer.bench and connect.bench run over, and their peer processes.
import { fileURLToPath } from 'node:url';
import { createNetLab, inSide, LOOPBACK, labUnavailable } from '../lib/netLab.mjs';
import { spawnJsonPeer } from '../lib/results.mjs';

const PEER = fileURLToPath(new URL('./peer.mjs', import.meta.url));

/**
 * The links in `text` (the LINKS variable; `fallback` when unset or empty): `loopback`,
 * or `RTT_MS` / `RTT_MS/LOSS_PCT` through the relay.
 * @throws Error naming LINKS, for an entry that is neither.
 * @example
 *   parseLinks('loopback,20,50/1') // three links: host loopback, 20 ms, 50 ms with 1 % loss
 */
export function parseLinks(text, fallback) {
  const source = text?.trim() ? text : fallback;
  return source.split(',').map((entry) => {
    const word = entry.trim();
    if (word === 'loopback') return { link: 'loopback', rttMs: 0, lossPct: 0 };
    const match = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(word);
    const lossPct = Number(match?.[2] ?? 0);
    if (!match || lossPct > 100)
      throw new Error(
        `LINKS entry "${word}" is neither "loopback" nor RTT_MS[/LOSS_PCT], e.g. "20" or "50/1"`,
      );
    return { link: 'relay', rttMs: Number(match[1]), lossPct };
  });
}

/**
 * Calls `fn(link, a, b)` for each link, with the sides to run the two peers in: the host
 * loopback, or the two namespaces of one lab whose relay is set to the link's RTT and
 * loss. The lab is removed at the end, also on failure. Relay links are skipped (and
 * `skippedRelay` says why) where no lab can be made.
 */
export async function forEachLink(links, fn) {
  const needsLab = links.some((l) => l.link === 'relay');
  const skippedRelay = needsLab ? labUnavailable() : undefined;
  if (skippedRelay) console.log(`relay links skipped: ${skippedRelay}`);
  const lab = needsLab && !skippedRelay ? await createNetLab() : undefined;
  try {
    for (const link of links) {
      if (link.link === 'loopback') await fn(link, LOOPBACK, LOOPBACK);
      else if (lab) {
        await lab.set({ delayMs: link.rttMs / 2, loss: link.lossPct / 100 });
        await fn(link, lab.a, lab.b);
      }
    }
  } finally {
    lab?.close();
  }
  return { skippedRelay };
}

/**
 * Starts `peer.mjs args` inside `side`.
 * @example
 *   const receiver = spawnPeer(lab.b, ['tcp-recv', lab.b.address]);
 */
export const spawnPeer = (side, args) =>
  spawnJsonPeer(...inSide(side, process.execPath, [PEER, ...args]));

/**
 * Runs one measurement between two peer processes: the receiving end (`tcp-recv`,
 * `bare-ndc-recv`, or `rtc-worker` with its signaling server) in `b`, then the client end in `a` with the
 * arguments `clientArgs` makes of what the receiver printed. Resolves with the client's
 * answer, or `{error}` when a process fails or `timeoutMs` passes; both are stopped.
 * @example
 *   await measurePair(backend, a, b, (port) => ['tcp-connect', b.address, String(port), '5'],
 *     (...args) => ['rtc-connect', ...args, '5'], 60_000);
 */
export async function measurePair(backend, a, b, tcpArgs, rtcArgs, timeoutMs) {
  const peers = [];
  try {
    let client;
    if (backend.kind === 'tcp' || backend.kind === 'bare-ndc') {
      // A bare node-datachannel pair takes the same arguments as TCP (bareNdc.mjs).
      const receiver = spawnPeer(b, [`${backend.kind}-recv`, b.address]);
      peers.push(receiver);
      const { port } = await receiver.next();
      const [mode, ...rest] = tcpArgs(port);
      client = spawnPeer(a, [mode.replace(/^tcp-/, `${backend.kind}-`), ...rest]);
    } else {
      const rtc = JSON.stringify(backend.rtc);
      const worker = spawnPeer(b, [
        'rtc-worker',
        b.address,
        JSON.stringify(backend.workerRtc ?? backend.rtc),
      ]);
      peers.push(worker);
      const { url, token, peerId } = await worker.next();
      client = spawnPeer(a, rtcArgs(url, token, peerId, rtc));
    }
    peers.push(client);
    return await client.next(timeoutMs);
  } catch (error) {
    return { error: error.message };
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()));
  }
}
