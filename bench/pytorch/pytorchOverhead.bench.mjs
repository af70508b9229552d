// Per-epoch time of the PyTorch trainer (packages/worker/trainers/pytorch/train.py) run
// under trainwire — `trainwire up --profile pytorch`: a signaling server, a worker that
// launches it with the trainer contract (ZeroMQ progress, control, checkpoints), a client
// over WebRTC — next to the same script run bare in the same bench (no worker, no
// ZeroMQ), rounds alternating. An epoch's time is the gap between two epoch ends: the
// worker's `ts` of each `epoch_end` under trainwire, the arrival of its "epoch k/N" line
// bare; the first epoch (warm-up) is left out. Issue 14 aims at < 2 % overhead.
// Writes bench/results/pytorch-overhead.json. Needs /usr/bin/python3 with torch and pyzmq
// (scripts/ensure-test-deps.sh installs them). Options (env): EPOCHS (12), ROUNDS (3).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { positiveIntEnv } from '../env.mjs';
import { median, writeResults } from '../lib/results.mjs';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/trainwire.js', import.meta.url));
const TRAIN = fileURLToPath(
  new URL('../../packages/worker/trainers/pytorch/train.py', import.meta.url),
);
const PYTHON = process.env.TRAINWIRE_PYTHON ?? '/usr/bin/python3';
const EPOCHS = positiveIntEnv('EPOCHS', 12);
const ROUNDS = positiveIntEnv('ROUNDS', 3);
const TIMEOUT_MS = 300_000;

const check = spawnSync(PYTHON, [TRAIN, '--self-check'], { encoding: 'utf8' });
if (check.status !== 0) {
  console.error(
    `${PYTHON} cannot run the PyTorch trainer: ${check.stderr.trim() || check.stdout.trim()}; run scripts/ensure-test-deps.sh (it installs python3-torch and python3-zmq)`,
  );
  process.exit(1);
}

/** Starts `command args`; `onLine(line, now)` sees each stdout line; resolves at exit 0. */
function run(command, args, options, onLine) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    let rest = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      const now = Date.now();
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line, now);
    });
    child.stderr.on('data', (text) => (stderr += text));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${args.join(' ')} exited ${code ?? signal}: ${stderr.slice(-500)}`));
    });
  });
}

/** Gaps between consecutive epoch ends, the first epoch left out. */
const gaps = (ends) => ends.slice(1).map((end, i) => end - ends[i]);

async function bare() {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-pt-bare-'));
  try {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ epochs: EPOCHS }));
    const ends = [];
    await run(
      PYTHON,
      [TRAIN],
      {
        cwd: dir,
        env: { ...process.env, PYTHONUNBUFFERED: '1', TRAINWIRE_CONFIG: 'config.json' },
      },
      (line, now) => {
        if (/^epoch \d+\/\d+ /.test(line)) ends.push(now);
      },
    );
    if (ends.length !== EPOCHS) throw new Error(`bare run printed ${ends.length} epochs`);
    return gaps(ends);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function underTrainwire() {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-pt-up-'));
  try {
    const ends = [];
    await run(
      process.execPath,
      [BIN, 'up', '--profile', 'pytorch', '--epochs', String(EPOCHS), '--json', '--data-dir', dir],
      { env: { ...process.env, TRAINWIRE_PYTHON: PYTHON } },
      (line) => {
        if (!line.startsWith('{')) return;
        const event = JSON.parse(line);
        if (event.type === 'progress' && event.progress.event === 'epoch_end') ends.push(event.ts);
      },
    );
    if (ends.length !== EPOCHS) throw new Error(`trainwire run reported ${ends.length} epochs`);
    return gaps(ends);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const bareGaps = [];
const twGaps = [];
for (let round = 0; round < ROUNDS; round++) {
  bareGaps.push(...(await bare()));
  twGaps.push(...(await underTrainwire()));
}
const bareMs = median(bareGaps);
const twMs = median(twGaps);
const overheadPct = (twMs / bareMs - 1) * 100;
console.log(
  `PyTorch keypoint CNN, ${EPOCHS} epochs × ${ROUNDS} rounds each, median epoch (first left out):`,
);
console.log(`bare script          : ${bareMs.toFixed(1)} ms`);
// Faster under trainwire than bare means the two runs differ in something this bench does
// not control (the two clocks, the environment, the machine's load): no verdict then.
const verdict =
  overheadPct < -5
    ? 'no verdict: faster than bare, so the runs are not alike'
    : overheadPct < 2
      ? 'met'
      : 'not met';
console.log(
  `under trainwire      : ${twMs.toFixed(1)} ms  (${overheadPct >= 0 ? '+' : ''}${overheadPct.toFixed(1)} %; aim < 2 %: ${verdict})`,
);
writeResults('pytorch-overhead', {
  epochs: EPOCHS,
  rounds: ROUNDS,
  bareEpochMs: bareMs,
  trainwireEpochMs: twMs,
  overheadPct,
  verdict,
});
