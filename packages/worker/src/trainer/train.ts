import { join } from 'node:path';
import type { ProgressMessage } from '@trainwire/core';
import { type Checkpoint, loadCheckpoint, saveCheckpoint } from './Checkpoint.js';
import { computeNormalization, type Dataset, normalize, splitDataset } from './Dataset.js';
import { Mlp } from './Mlp.js';
import { Rng } from './Rng.js';
import type { TrainerConfig } from './TrainerConfig.js';

/** Where a training run reports to and asks whether to stop. */
export interface TrainingHooks {
  publish(message: ProgressMessage): void;
  /** Checked after every epoch: true finishes the run early (after saving). */
  shouldStop(): boolean;
  log(line: string): void;
}

/** What to train. */
export interface TrainingRun {
  config: TrainerConfig;
  dataset: Dataset;
  checkpointDir: string;
  /** A checkpoint to continue from. */
  resume?: string;
  /** A checkpoint whose weights start a fresh run (fine-tuning); epochs and optimizer restart. */
  baseModel?: string;
  /** Names the run in progress messages (`what`). */
  what?: string;
}

/** One epoch's metrics. */
export interface EpochLog {
  epoch: number;
  'train/loss': number;
  'train/accuracy': number;
  'val/loss': number | null;
  'val/accuracy': number | null;
}

/** How a run ended. */
export interface TrainingResult {
  stoppedEarly: boolean;
  /** Epochs completed in total (including those before a resume). */
  epochsDone: number;
  history: EpochLog[];
  lastCheckpoint: string | undefined;
  bestCheckpoint: string | undefined;
}

const BATCH_PUBLISH_MS = 100;
const YIELD_MS = 20;

/**
 * Trains the built-in MLP: a seeded split, standardised inputs, mini-batch Adam, progress
 * in sleap-nn's format, and checkpoints (`epoch-NNNN.json`, `best.json`, `last.json`)
 * that resume exactly.
 */
export async function runTraining(run: TrainingRun, hooks: TrainingHooks): Promise<TrainingResult> {
  const { config, dataset } = run;
  const tag = run.what === undefined ? {} : { what: run.what };
  const { train, val } = splitDataset(dataset.samples, config.validationFraction, config.seed);
  const sizes = [dataset.samples.features, ...config.hiddenLayers, dataset.labels.length];
  const rng = new Rng(config.seed);
  let model: Mlp;
  let startEpoch = 0;
  let bestValLoss: number | null = null;
  let normalization = computeNormalization(train);
  if (run.resume) {
    const checkpoint = loadCheckpoint(run.resume);
    if (checkpoint.sizes.join(',') !== sizes.join(',')) {
      throw new Error(
        `checkpoint ${run.resume} has layers [${checkpoint.sizes}] but this config and dataset need [${sizes}]; resume with the config it was trained with`,
      );
    }
    model = new Mlp(
      sizes,
      checkpoint.params.map((p) => Float64Array.from(p)),
      {
        t: checkpoint.adam.t,
        m: checkpoint.adam.m.map((p) => Float64Array.from(p)),
        v: checkpoint.adam.v.map((p) => Float64Array.from(p)),
      },
    );
    rng.setState(checkpoint.rng);
    startEpoch = checkpoint.epoch;
    bestValLoss = checkpoint.bestValLoss;
    normalization = checkpoint.normalization;
    hooks.log(`resuming from ${run.resume} at epoch ${startEpoch + 1}/${config.epochs}`);
  } else if (run.baseModel) {
    const base = loadCheckpoint(run.baseModel);
    if (base.sizes.join(',') !== sizes.join(',')) {
      throw new Error(
        `base model ${run.baseModel} has layers [${base.sizes}] but this config and dataset need [${sizes}]`,
      );
    }
    model = new Mlp(
      sizes,
      base.params.map((p) => Float64Array.from(p)),
    );
    normalization = base.normalization;
    hooks.log(`fine-tuning from ${run.baseModel}`);
  } else {
    model = Mlp.create(sizes, rng);
  }
  normalize(train, normalization);
  normalize(val, normalization);
  hooks.log(
    `training on ${train.count} samples (${val.count} for validation), layers [${sizes.join(', ')}]`,
  );

  const result: TrainingResult = {
    stoppedEarly: false,
    epochsDone: startEpoch,
    history: [],
    lastCheckpoint: undefined,
    bestCheckpoint: undefined,
  };
  hooks.publish({ event: 'train_begin', ...tag, total_epochs: config.epochs });
  let lastYield = performance.now();
  let lastBatchPublish = 0;
  for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
    hooks.publish({ event: 'epoch_begin', ...tag, epoch });
    const order = new Uint32Array(train.count);
    for (let n = 0; n < order.length; n++) order[n] = n;
    rng.shuffle(order);
    let lossSum = 0;
    let correctSum = 0;
    let batch = 0;
    for (let from = 0; from < train.count; from += config.batchSize, batch++) {
      const to = Math.min(from + config.batchSize, train.count);
      const metrics = model.trainBatch(train, order, from, to, config.learningRate);
      lossSum += metrics.loss * (to - from);
      correctSum += metrics.accuracy * (to - from);
      const now = performance.now();
      if (now - lastBatchPublish >= BATCH_PUBLISH_MS) {
        lastBatchPublish = now;
        hooks.publish({ event: 'batch_end', ...tag, epoch, batch, logs: { loss: metrics.loss } });
      }
      if (now - lastYield >= YIELD_MS) {
        // Let signals and control messages in while a long epoch runs.
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    const valMetrics = val.count > 0 ? model.evaluate(val) : null;
    const log: EpochLog = {
      epoch,
      'train/loss': lossSum / train.count,
      'train/accuracy': correctSum / train.count,
      'val/loss': valMetrics?.loss ?? null,
      'val/accuracy': valMetrics?.accuracy ?? null,
    };
    result.history.push(log);
    result.epochsDone = epoch + 1;
    const { epoch: _, ...logs } = log;
    hooks.publish({
      event: 'epoch_end',
      ...tag,
      epoch,
      logs: { ...logs, loss: log['train/loss'] },
    });

    const score = log['val/loss'] ?? log['train/loss'];
    const improved = bestValLoss === null || score < bestValLoss;
    if (improved) bestValLoss = score;
    const checkpoint: Checkpoint = {
      format: 'trainwire-mlp-checkpoint',
      version: 1,
      epoch: epoch + 1,
      sizes,
      params: model.params.map((p) => Array.from(p)),
      adam: {
        t: model.adam.t,
        m: model.adam.m.map((p) => Array.from(p)),
        v: model.adam.v.map((p) => Array.from(p)),
      },
      rng: rng.getState(),
      bestValLoss,
      normalization,
      labels: dataset.labels,
      featureNames: dataset.featureNames,
      metrics: logs,
    };
    if (config.checkpointEvery > 0 && (epoch + 1) % config.checkpointEvery === 0) {
      saveCheckpoint(
        join(run.checkpointDir, `epoch-${String(epoch + 1).padStart(4, '0')}.json`),
        checkpoint,
      );
    }
    if (improved) {
      result.bestCheckpoint = join(run.checkpointDir, 'best.json');
      saveCheckpoint(result.bestCheckpoint, checkpoint);
    }
    result.lastCheckpoint = join(run.checkpointDir, 'last.json');
    saveCheckpoint(result.lastCheckpoint, checkpoint);
    hooks.log(
      `epoch ${epoch + 1}/${config.epochs} train/loss=${log['train/loss'].toFixed(4)} val/loss=${log['val/loss']?.toFixed(4) ?? 'n/a'}`,
    );
    if (epoch + 1 < config.epochs && hooks.shouldStop()) {
      result.stoppedEarly = true;
      break;
    }
  }
  hooks.publish({ event: 'train_end', ...tag });
  return result;
}
