import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadCheckpoint } from './Checkpoint.js';
import { type Dataset, normalize } from './Dataset.js';
import { Mlp } from './Mlp.js';
import type { TrainingHooks } from './train.js';

/** What to predict. */
export interface PredictRun {
  /** A built-in trainer checkpoint (a job's model). */
  model: string;
  /** The items: one prediction each, in order. */
  dataset: Dataset;
  /** Where the predictions go (JSONL); written under `.partial` and renamed at the end. */
  predictions: string;
  what?: string;
}

/** How a predict run ended. */
export interface PredictResult {
  done: number;
  total: number;
  stoppedEarly: boolean;
}

const PUBLISH_MS = 200;
const CHUNK = 256;

/**
 * Runs a trained MLP over every item of `dataset`: one JSONL line per item, `{index, label,
 * probabilities}` (plus `given`, the item's own label, when the file had one). Progress
 * is `batch_end` messages with `items_done` / `items_total`; a stop (`shouldStop`) ends it
 * after the item in hand, keeping what was predicted.
 */
export async function runPredict(run: PredictRun, hooks: TrainingHooks): Promise<PredictResult> {
  const checkpoint = loadCheckpoint(run.model);
  const { samples, labels } = run.dataset;
  const inputs = checkpoint.sizes[0]!;
  if (samples.features !== inputs) {
    throw new Error(
      `the model ${run.model} takes ${inputs} feature(s) per item but the input has ${samples.features}; predict on data shaped like its training data`,
    );
  }
  const model = new Mlp(
    checkpoint.sizes,
    checkpoint.params.map((p) => Float64Array.from(p)),
  );
  normalize(samples, checkpoint.normalization);
  mkdirSync(dirname(run.predictions), { recursive: true });
  const partial = `${run.predictions}.partial`;
  const fd = openSync(partial, 'w');
  const total = samples.count;
  let done = 0;
  let lastPublish = 0;
  const progress = () =>
    hooks.publish({
      event: 'batch_end',
      batch: Math.max(done - 1, 0),
      logs: {},
      items_done: done,
      items_total: total,
      ...(run.what ? { what: run.what } : {}),
    });
  hooks.publish({ event: 'train_begin', ...(run.what ? { what: run.what } : {}) });
  try {
    while (done < total && !hooks.shouldStop()) {
      const end = Math.min(done + CHUNK, total);
      let text = '';
      for (let n = done; n < end; n++) {
        const probabilities = Array.from(model.forward(samples.x, n * samples.features));
        let best = 0;
        for (let k = 1; k < probabilities.length; k++) {
          if (probabilities[k]! > probabilities[best]!) best = k;
        }
        const given = samples.y[n];
        text += `${JSON.stringify({
          index: n,
          label: checkpoint.labels[best] ?? String(best),
          probabilities: probabilities.map((p) => Number(p.toFixed(6))),
          ...(given === undefined || labels[given] === undefined ? {} : { given: labels[given] }),
        })}\n`;
      }
      writeSync(fd, text);
      done = end;
      if (Date.now() - lastPublish >= PUBLISH_MS) {
        lastPublish = Date.now();
        progress();
      }
      // Lets the stop command (ZeroMQ) and signals in between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(partial, run.predictions);
  progress();
  hooks.publish({ event: 'train_end', ...(run.what ? { what: run.what } : {}) });
  return { done, total, stoppedEarly: done < total };
}
