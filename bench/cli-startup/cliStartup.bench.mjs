// Time of `trainwire --help` and of `trainwire up` to its first epoch, next to a bare
// `node -e ""` start measured in the same run (the floor any Node CLI pays).
// Writes bench/results/cli-startup.json. Options (env): ROUNDS (default 7).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { positiveIntEnv } from '../env.mjs';
import { median, writeResults } from '../lib/results.mjs';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/trainwire.js', import.meta.url));
const ROUNDS = positiveIntEnv('ROUNDS', 7);

function timeSync(args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return performance.now() - start;
}

function timeToFirstEpoch() {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-up-'));
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      [BIN, 'up', '--data-dir', dir, '--epochs', '3', '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let buffer = '';
    let first;
    child.stdout.on('data', (d) => {
      buffer += d;
      if (first === undefined && buffer.includes('"event":"epoch_end"'))
        first = performance.now() - start;
    });
    child.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0 || first === undefined) reject(new Error(`trainwire up exited ${code}`));
      else resolve({ first, total: performance.now() - start });
    });
  });
}

const bare = [];
const help = [];
for (let i = 0; i < ROUNDS; i++) {
  bare.push(timeSync(['-e', '']));
  help.push(timeSync([BIN, '--help']));
}
const ups = [];
for (let i = 0; i < 3; i++) ups.push(await timeToFirstEpoch());
const fmt = (ms) => `${ms.toFixed(0)} ms`;
console.log(`median of ${ROUNDS} runs (up: median of 3)`);
console.log(`node -e ""                     : ${fmt(median(bare))}`);
console.log(
  `trainwire --help               : ${fmt(median(help))}  (${(median(help) / median(bare)).toFixed(2)}x bare node)`,
);
console.log(
  `trainwire up → first epoch     : ${fmt(median(ups.map((u) => u.first)))}  (whole run of 3 epochs: ${fmt(median(ups.map((u) => u.total)))})`,
);
writeResults('cli-startup', {
  rounds: ROUNDS,
  bareNodeMs: median(bare),
  helpMs: median(help),
  helpOverBare: median(help) / median(bare),
  upToFirstEpochMs: median(ups.map((u) => u.first)),
  upWholeRunMs: median(ups.map((u) => u.total)),
});
