#!/usr/bin/env node
/**
 * The built-in trainer's process: `node dist/trainer/main.js [train|predict|generate-dataset]`,
 * configured by the trainer environment (see `docs/trainers.md`).
 * Exit codes: 0 done or stopped early, 1 failed, 2 bad config or environment.
 */
import { readFileSync } from 'node:fs';
import { isTrainwireError, type ProgressMessage, parseOrThrow } from '@trainwire/core';
import { openProgressPublisher } from '../internal/progressPublisher.js';
import { loadCheckpoint } from './Checkpoint.js';
import { type Dataset, generateSynthetic, loadDataset, loadItems } from './Dataset.js';
import { DatasetExistsError, generateDataset } from './generateDataset.js';
import { runPredict } from './predict.js';
import {
  GenerateDatasetConfigSchema,
  SyntheticDatasetSchema,
  TrainerConfigSchema,
} from './TrainerConfig.js';
import { type TrainerEnv, TrainerEnvSchema } from './TrainerEnv.js';
import { runTraining } from './train.js';

class UsageError extends Error {}

function readConfig(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
}

/**
 * What `train` and `predict` share: the config, the items (the input file, read by `load`,
 * else the config's synthetic samples), the progress publisher, and a stop flag that the
 * stop command and SIGINT raise (saying `onStop`).
 */
async function openRun(
  env: TrainerEnv,
  input: string | undefined,
  load: (path: string) => Dataset,
  what: string,
  onStop: string,
) {
  const config = parseOrThrow(TrainerConfigSchema, readConfig(env.TRAINWIRE_CONFIG), what);
  const dataset = input
    ? load(input)
    : generateSynthetic(config.dataset?.synthetic ?? SyntheticDatasetSchema.parse({}));
  const runName = env.TRAINWIRE_RUN_NAME ?? env.TRAINWIRE_JOB_ID;
  const publisher = await openProgressPublisher({
    publishAddress: env.TRAINWIRE_ZMQ_PUBLISH,
    controlAddress: env.TRAINWIRE_ZMQ_CONTROL,
    what: runName,
  });
  const run = { config, dataset, what: runName, publisher, stop: false };
  const requestStop = (why: string) => {
    if (run.stop) return;
    run.stop = true;
    console.log(`stop requested (${why}): ${onStop}`);
  };
  publisher.onStop(() => requestStop('control message'));
  process.on('SIGINT', () => requestStop('SIGINT'));
  const hooks = {
    publish: (m: ProgressMessage) => publisher.publish(m),
    shouldStop: () => run.stop,
    log: (l: string) => console.log(l),
  };
  return { ...run, hooks };
}

async function train(env: TrainerEnv): Promise<number> {
  const { config, dataset, what, publisher, hooks } = await openRun(
    env,
    env.TRAINWIRE_INPUT_DATASET,
    loadDataset,
    'trainer config',
    'finishing the epoch and saving a checkpoint',
  );
  const fineTune = env.TRAINWIRE_FINE_TUNE === '1' || env.TRAINWIRE_FINE_TUNE === 'true';
  try {
    const result = await runTraining(
      {
        config,
        dataset,
        checkpointDir: env.TRAINWIRE_CHECKPOINT_DIR,
        ...(env.TRAINWIRE_RESUME ? { resume: env.TRAINWIRE_RESUME } : {}),
        ...(env.TRAINWIRE_BASE_MODEL && (fineTune || !env.TRAINWIRE_RESUME)
          ? { baseModel: env.TRAINWIRE_BASE_MODEL }
          : {}),
        what,
      },
      hooks,
    );
    const last = result.history.at(-1);
    console.log(
      `${result.stoppedEarly ? 'stopped early' : 'finished'} after epoch ${result.epochsDone}/${config.epochs}` +
        (last ? `, val/loss=${last['val/loss'] ?? 'n/a'}` : '') +
        (result.lastCheckpoint ? `; last checkpoint ${result.lastCheckpoint}` : ''),
    );
    return 0;
  } finally {
    await publisher.close();
  }
}

async function predict(env: TrainerEnv): Promise<number> {
  if (!env.TRAINWIRE_MODEL || !env.TRAINWIRE_PREDICTIONS) {
    throw new UsageError(
      'predict needs TRAINWIRE_MODEL (the model file) and TRAINWIRE_PREDICTIONS (where predictions go); run it as a predict job',
    );
  }
  const { dataset, what, publisher, hooks } = await openRun(
    env,
    env.TRAINWIRE_INPUT_INPUT,
    // Items to predict: labels optional, the model's own feature count.
    (path) => loadItems(path, loadCheckpoint(env.TRAINWIRE_MODEL!).sizes[0]!),
    'predict config',
    'keeping the predictions made so far',
  );
  try {
    const result = await runPredict(
      { model: env.TRAINWIRE_MODEL, dataset, predictions: env.TRAINWIRE_PREDICTIONS, what },
      hooks,
    );
    console.log(
      `${result.stoppedEarly ? 'stopped early' : 'finished'}: ${result.done}/${result.total} prediction(s) in ${env.TRAINWIRE_PREDICTIONS}`,
    );
    return 0;
  } finally {
    await publisher.close();
  }
}

async function makeDataset(env: TrainerEnv): Promise<number> {
  const config = parseOrThrow(
    GenerateDatasetConfigSchema,
    readConfig(env.TRAINWIRE_CONFIG),
    'dataset config',
  );
  const publisher = await openProgressPublisher({
    publishAddress: env.TRAINWIRE_ZMQ_PUBLISH,
    controlAddress: env.TRAINWIRE_ZMQ_CONTROL,
    what: config.name,
  });
  try {
    publisher.publish({ event: 'train_begin', what: config.name, total_epochs: 1 });
    publisher.publish({ event: 'epoch_begin', what: config.name, epoch: 0 });
    const path = generateDataset(config, env.TRAINWIRE_DATASET_DIR ?? env.TRAINWIRE_RUN_DIR);
    publisher.publish({
      event: 'epoch_end',
      what: config.name,
      epoch: 0,
      logs: { samples: config.samples },
    });
    publisher.publish({ event: 'train_end', what: config.name });
    console.log(`dataset written: ${path}`);
    console.log(`trainwire:artifact ${JSON.stringify({ kind: 'dataset', path })}`);
    return 0;
  } finally {
    await publisher.close();
  }
}

async function main(): Promise<number> {
  const mode = process.argv[2] ?? 'train';
  try {
    const env = parseOrThrow(TrainerEnvSchema, process.env, 'trainer environment');
    if (mode === 'train') return await train(env);
    if (mode === 'predict') return await predict(env);
    if (mode === 'generate-dataset') return await makeDataset(env);
    throw new UsageError(`unknown mode "${mode}"; use "train", "predict" or "generate-dataset"`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${message}`);
    // A bad config or environment (parseOrThrow's ValidationError) exits 2.
    return error instanceof UsageError ||
      isTrainwireError(error, 'validation_failed') ||
      error instanceof DatasetExistsError
      ? 2
      : 1;
  }
}

main().then((code) => process.exit(code));
