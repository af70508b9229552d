// Issue 14: the PyTorch trainer (packages/worker/trainers/pytorch) run under trainwire
// against the same script run bare, in the same run of this bench.
//   - Training: per-epoch time, bare and as a job of a real worker (createWorker, online
//     through goOnline, a client submitting through core's JobManager over WebRTC via a
//     signaling server on 127.0.0.1), in pairs whose order alternates (bare, trainwire,
//     trainwire, bare, …). Both arms are timed from the trainer's own ZeroMQ progress,
//     stamped by this process as it arrives (arms.mjs); an epoch is epoch_begin → next
//     epoch_begin, the first epoch left out.
//     Same config, seed, thread count (config `threads` and OMP/MKL_NUM_THREADS), argv and
//     env. Overhead: pooled medians, and its spread as the min–max over the pairs.
//   - Inference: predict.py (TRAINWIRE_MODE=predict) on the same model and the same input
//     file, bare and as a predict job (core's submitPredict + fetchPredictions): items/s of
//     its loop (train_begin → last batch_end, same stamps) and of the whole run as a user
//     waits for it (bare: spawn → exit; trainwire: submit → predictions fetched and verified).
// Writes bench/results/pytorch.json. Needs /usr/bin/python3 (or TRAINWIRE_PYTHON) with torch
// and pyzmq. Options (env): EPOCHS (16), PAIRS (8), SAMPLES (640), THREADS (1),
// ITEMS (20000), PREDICT_PAIRS (4), TRAINWIRE_RTC_BACKEND.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { positiveIntEnv } from '../env.mjs';
import { median, writeResults } from '../lib/results.mjs';
import { PROFILE, runBare, startTrainwire } from './arms.mjs';
import {
  bareNoise,
  cpuPerEpoch,
  epochTimes,
  overhead,
  pct,
  predictRate,
  verdict,
} from './summarize.mjs';

const AIM_PCT = 2;
const EPOCHS = positiveIntEnv('EPOCHS', 16);
const PAIRS = positiveIntEnv('PAIRS', 8);
const SAMPLES = positiveIntEnv('SAMPLES', 640);
const THREADS = positiveIntEnv('THREADS', 1);
const ITEMS = positiveIntEnv('ITEMS', 20_000);
const PREDICT_PAIRS = positiveIntEnv('PREDICT_PAIRS', 4);
if (EPOCHS < 3) throw new Error(`EPOCHS must be at least 3 (the first is left out), got ${EPOCHS}`);

const [python, train] = PROFILE.command;
const check = spawnSync(python, [train, '--self-check'], { encoding: 'utf8' });
if (check.status !== 0) {
  console.error(
    `${python} cannot run the PyTorch trainer: ${check.stderr.trim() || check.stdout.trim()}; run scripts/ensure-test-deps.sh (it installs python3-torch and python3-zmq)`,
  );
  process.exit(1);
}
// Set here, so the worker's trainers inherit them as the bare ones get them.
process.env.OMP_NUM_THREADS = String(THREADS);
process.env.MKL_NUM_THREADS = String(THREADS);
const config = { epochs: EPOCHS, samples: SAMPLES, seed: 0, dataSeed: 7, threads: THREADS };
const predictConfig = { batchSize: 64, threads: THREADS };

const root = realpathSync(mkdtempSync(join(tmpdir(), 'tw-bench-pytorch-')));
const mount = join(root, 'bench');
mkdirSync(mount);
let trainwire;
const cleanUp = async () => {
  await trainwire?.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => cleanUp().finally(() => process.exit(130)));
}

const fmt = (n, digits = 1) => n.toFixed(digits);
const ratios = (r) =>
  `${fmt(r.ratio, 3)}× (${fmt(r.pairRatio.min, 3)} … ${fmt(r.pairRatio.max, 3)})`;
const signed = (n) => `${n >= 0 ? '+' : ''}${fmt(n)}`;
const countLines = (path) => readFileSync(path, 'utf8').trim().split('\n').length;
let runs = 0;
const bareRun = (options) => runBare({ ...options, runDir: join(root, `bare-${runs++}`) });

try {
  const load = [loadavg()[0]];
  console.log(
    `PyTorch keypoint CNN: ${EPOCHS} epochs of ${SAMPLES} images, ${THREADS} torch thread(s), ` +
      `${PAIRS} bare/trainwire pairs; predict: ${ITEMS} images, ${PREDICT_PAIRS} pairs`,
  );
  // The model the predict runs use, trained bare, is also the warm-up (a cold torch import
  // takes seconds), and so is a short first trainwire job; neither is counted.
  const modelDir = join(mount, 'model');
  await runBare({ runDir: modelDir, config, jobId: 'model' });
  const model = join(modelDir, 'checkpoints', 'last.pt');
  const input = join(mount, 'images.pt');
  const made = spawnSync(python, [
    '-c',
    `import torch; g = torch.Generator().manual_seed(1); torch.save(torch.rand(${ITEMS}, 1, 32, 32, generator=g), ${JSON.stringify(input)})`,
  ]);
  if (made.status !== 0) throw new Error(`writing the predict input failed: ${made.stderr}`);
  trainwire = await startTrainwire({ dataDir: join(root, 'tw'), mount });
  await trainwire.train({ ...config, epochs: 3 }, 'warm-up');

  const pairs = [];
  const cpuPairs = [];
  /** This process's CPU an epoch: the bench's reader (bare), the worker and client (trainwire). */
  const ownCpu = { bare: [], trainwire: [] };
  const byWorkerTs = [];
  for (let i = 0; i < PAIRS; i++) {
    // bare, trainwire, trainwire, bare, …: neither arm always runs first.
    const runBareOne = () => bareRun({ config, jobId: `bare-${i}` });
    const runTrainwireOne = () => trainwire.train(config, `tw-${i}`);
    const bareFirst = i % 2 === 0 ? await runBareOne() : undefined;
    const tw = await runTrainwireOne();
    const bare = bareFirst ?? (await runBareOne());
    const pair = {
      bare: epochTimes(bare.marks, EPOCHS, `bare run ${i}`),
      trainwire: epochTimes(tw.marks, EPOCHS, `trainwire run ${i}`),
    };
    byWorkerTs.push(...epochTimes(tw.ts, EPOCHS, `trainwire run ${i} (worker ts)`));
    pairs.push(pair);
    const cpu = {
      bare: [cpuPerEpoch(bare.marks, EPOCHS, `bare run ${i}`)],
      trainwire: [cpuPerEpoch(tw.marks, EPOCHS, `trainwire run ${i}`)],
    };
    cpuPairs.push(cpu);
    ownCpu.bare.push(bare.ownCpuMs / EPOCHS);
    ownCpu.trainwire.push(tw.ownCpuMs / EPOCHS);
    console.log(
      `pair ${i + 1}/${PAIRS}: epoch bare ${fmt(median(pair.bare))} ms, trainwire ${fmt(median(pair.trainwire))} ms ` +
        `(${signed(pct(median(pair.trainwire) / median(pair.bare)))} %); trainer CPU an epoch ` +
        `${fmt(cpu.bare[0])} / ${fmt(cpu.trainwire[0])} ms (${signed(pct(cpu.trainwire[0] / cpu.bare[0]))} %)`,
    );
  }
  load.push(loadavg()[0]);

  const predicts = [];
  for (let i = 0; i < PREDICT_PAIRS; i++) {
    const runBareOne = () =>
      bareRun({ config: predictConfig, jobId: `predict-${i}`, predict: { model, input } });
    const out = join(root, `fetched-${i}.jsonl`);
    const bareFirst = i % 2 === 0 ? await runBareOne() : undefined;
    const tw = await trainwire.predict(predictConfig, { model, input }, out);
    const bare = bareFirst ?? (await runBareOne());
    const bareOut = join(bare.runDir, 'predictions.jsonl');
    for (const [what, path] of [
      ['bare', bareOut],
      ['trainwire', out],
    ]) {
      const lines = countLines(path);
      if (lines !== ITEMS)
        throw new Error(`${what} predict ${i} wrote ${lines} of ${ITEMS} predictions`);
    }
    const p = {
      bareLoop: predictRate(bare.marks, ITEMS, `bare predict ${i}`),
      trainwireLoop: predictRate(tw.marks, ITEMS, `trainwire predict ${i}`),
      bareWhole: (ITEMS * 1000) / bare.wallMs,
      trainwireWhole: (ITEMS * 1000) / tw.wallMs,
    };
    predicts.push(p);
    console.log(
      `predict ${i + 1}/${PREDICT_PAIRS}: loop ${fmt(p.bareLoop, 0)} / ${fmt(p.trainwireLoop, 0)} items/s, ` +
        `whole run ${fmt(p.bareWhole, 0)} / ${fmt(p.trainwireWhole, 0)} items/s (bare / trainwire)`,
    );
  }
  load.push(loadavg()[0]);

  const o = overhead(pairs);
  const noise = bareNoise(pairs);
  const aim = verdict(o.spreadPct, AIM_PCT, noise);
  const c = overhead(cpuPairs);
  const cpu = {
    bareMsPerEpoch: c.bareEpochMs,
    trainwireMsPerEpoch: c.trainwireEpochMs,
    overheadPct: c.overheadPct,
    pairOverheadPct: c.pairOverheadPct,
    spreadPct: c.spreadPct,
  };
  /** Both arms' median items/s of `what` (Loop, Whole), their ratio, and the pairs' ratios. */
  const compare = (what) => {
    const of = (arm) => median(predicts.map((p) => p[`${arm}${what}`]));
    const ratios = predicts.map((p) => p[`trainwire${what}`] / p[`bare${what}`]);
    return {
      bareItemsPerSec: of('bare'),
      trainwireItemsPerSec: of('trainwire'),
      ratio: of('trainwire') / of('bare'),
      pairRatio: { min: Math.min(...ratios), max: Math.max(...ratios) },
    };
  };
  const inference = {
    items: ITEMS,
    pairs: PREDICT_PAIRS,
    batchSize: predictConfig.batchSize,
    loop: compare('Loop'),
    wholeRun: compare('Whole'),
  };

  console.log(
    `\nmedian epoch (first of each run left out), ${PAIRS * (EPOCHS - 1)} epochs an arm:`,
  );
  console.log(`bare            : ${fmt(o.bareEpochMs)} ms`);
  console.log(
    `under trainwire : ${fmt(o.trainwireEpochMs)} ms  (${signed(o.overheadPct)} %, pairs ` +
      `${signed(o.spreadPct.min)} … ${signed(o.spreadPct.max)} %; aim < ${AIM_PCT} %: ${aim.verdict}, ${aim.why})`,
  );
  if (noise)
    console.log(
      `bare against bare (each pair's bare median over the one before): ${signed(noise.min)} … ${signed(noise.max)} %`,
    );
  console.log(`  the same epochs by the worker's own ts: ${fmt(median(byWorkerTs))} ms`);
  console.log(
    `this process's CPU an epoch (it holds the worker and client, idle in bare runs): ${fmt(median(ownCpu.bare))} ms bare, ` +
      `${fmt(median(ownCpu.trainwire))} ms under trainwire (worker + client, job start included)`,
  );
  console.log(
    `trainer CPU an epoch (median of runs): ${fmt(cpu.bareMsPerEpoch)} bare, ${fmt(cpu.trainwireMsPerEpoch)} ms ` +
      `under trainwire (${signed(cpu.overheadPct)} %, pairs ${signed(cpu.spreadPct.min)} … ${signed(cpu.spreadPct.max)} %)`,
  );
  console.log(
    `predict, median of ${PREDICT_PAIRS} (trainwire ÷ bare, pairs min … max):\n` +
      `  loop      ${fmt(inference.loop.bareItemsPerSec, 0)} bare, ${fmt(inference.loop.trainwireItemsPerSec, 0)} ` +
      `trainwire items/s: ${ratios(inference.loop)}\n` +
      `  whole run ${fmt(inference.wholeRun.bareItemsPerSec, 0)} bare, ${fmt(inference.wholeRun.trainwireItemsPerSec, 0)} ` +
      `trainwire items/s: ${ratios(inference.wholeRun)}`,
  );
  console.log(
    `load average (1 min) at start / after training / end: ${load.map((l) => fmt(l, 2)).join(' / ')}`,
  );
  writeResults('pytorch', {
    epochs: EPOCHS,
    samples: SAMPLES,
    threads: THREADS,
    pairs: PAIRS,
    backend: trainwire.backend,
    aimPct: AIM_PCT,
    ...o,
    verdict: aim.verdict,
    verdictWhy: aim.why,
    ...(noise ? { bareNoisePct: noise } : {}),
    trainwireEpochMsByWorkerTs: median(byWorkerTs),
    trainerCpu: cpu,
    benchProcessCpuMsPerEpoch: { bare: median(ownCpu.bare), trainwire: median(ownCpu.trainwire) },
    pairEpochMs: pairs.map((p) => ({ bare: median(p.bare), trainwire: median(p.trainwire) })),
    inference,
    loadAverage: load,
  });
} finally {
  await cleanUp();
}
process.exit(0);
