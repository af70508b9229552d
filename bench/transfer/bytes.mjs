// What every peer.mjs mode shares: the bytes a sender sends, a hash that keeps its own CPU
// apart, this process's CPU time, and a TCP connection to the other peer.
import { createHash } from 'node:crypto';
import { connect } from 'node:net';

/** One JSON line on stdout: how a peer answers the bench. */
export const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

/** This process's user + system CPU ms since `before` (a `process.cpuUsage()`). */
export const cpuMsSince = (before) => {
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000;
};

/** The bytes every sender sends (a pattern, so a wrong offset changes the hash) and their hash. */
export function payload(mib) {
  const data = new Uint8Array(mib * 1024 * 1024);
  for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff;
  return { data, sha256: createHash('sha256').update(data).digest('hex') };
}

/** A hash that keeps the CPU it spent apart, so the transport's share can be told. */
export function timedHash() {
  const hash = createHash('sha256');
  const cpuBefore = process.cpuUsage();
  let hashingMs = 0;
  return {
    update(chunk) {
      const t = performance.now();
      hash.update(chunk);
      hashingMs += performance.now() - t;
    },
    finish: () => ({ sha256: hash.digest('hex'), cpuMs: cpuMsSince(cpuBefore) - hashingMs }),
  };
}

/** A TCP connection to `host`:`port`, once open. */
export function dialTcp(host, port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}
