// Runs every benchmark under bench/ (each folder's *.bench.mjs) one after another, each
// writing bench/results/<name>.json, then renders bench/results/report.md from them.
// `node run-all.mjs transfer` runs one folder's benches only.
// memory/ moves a 4 GiB file each way per WebRTC backend (BENCH_MEMORY_GIB, needs 13 GiB
// of free disk) and is most of a full run's time: `BENCH_MEMORY_GIB=0.25` for a short one,
// `BENCH_MEMORY_BACKENDS=node-datachannel` to leave werift's ~10 MB/s out.

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const started = performance.now();
let failed = 0;
for (const folder of readdirSync(here).sort()) {
  const path = join(here, folder);
  if (!statSync(path).isDirectory() || folder === 'node_modules' || (only && folder !== only))
    continue;
  for (const file of readdirSync(path)
    .filter((f) => f.endsWith('.bench.mjs'))
    .sort()) {
    console.log(`\n=== ${folder}/${file} ===`);
    const result = spawnSync(process.execPath, ['--expose-gc', join(path, file)], {
      stdio: 'inherit',
    });
    if (result.status !== 0) {
      failed++;
      console.log(`${folder}/${file} failed (exit ${result.status ?? result.signal})`);
    }
  }
}
spawnSync(process.execPath, [join(here, 'report.mjs')], { stdio: 'inherit' });
console.log(
  `\nall benches: ${((performance.now() - started) / 60_000).toFixed(1)} min, ${failed} failed`,
);
process.exit(failed === 0 ? 0 : 1);
