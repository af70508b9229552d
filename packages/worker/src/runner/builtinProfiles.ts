import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TrainerProfile } from '../config/WorkerConfig.js';
import { WorkerError } from '../errors.js';
import { defaultPython, pytorchTrainerPath } from '../machine/checkPytorch.js';

/**
 * Path of the built-in trainer's compiled entry point (`dist/trainer/main.js`). From
 * `src/` (tests) it points at the package's `dist/`; it must have been built.
 */
export function builtinTrainerPath(): string {
  const candidates = [
    // This file compiles to dist/runner/; the trainer sits in dist/trainer/.
    fileURLToPath(new URL('../trainer/main.js', import.meta.url)),
    fileURLToPath(new URL('../../dist/trainer/main.js', import.meta.url)),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new WorkerError(
      'spawn_failed',
      `the built-in trainer is not built (looked for ${candidates.join(' and ')}); run "npm run build -w @trainwire/worker"`,
    );
  }
  return found;
}

/**
 * The profiles every worker offers unless its config turns them off: `builtin` (the
 * TypeScript MLP trainer), `generate-dataset` (synthetic data), `pytorch` (the PyTorch
 * trainer shipped in `trainers/pytorch`, run by `$TRAINWIRE_PYTHON` or Debian's
 * `/usr/bin/python3`; `checkPytorch()` says whether torch imports there) and `sleap-nn`.
 */
export function builtinProfiles(python: string = defaultPython()): TrainerProfile[] {
  return [
    {
      id: 'builtin',
      description: 'Built-in MLP classifier trained with mini-batch Adam (no Python needed)',
      command: ['{node}', '{builtinTrainer}', 'train'],
      predictCommand: ['{node}', '{builtinTrainer}', 'predict'],
      predictionsFile: 'predictions.jsonl',
      configProfile: 'builtin',
      configFormat: 'json',
      env: {},
    },
    {
      id: 'generate-dataset',
      description: 'Writes a synthetic classification dataset (CSV or JSONL)',
      command: ['{node}', '{builtinTrainer}', 'generate-dataset'],
      configProfile: 'generate-dataset',
      configFormat: 'json',
      env: {},
    },
    {
      id: 'pytorch',
      description: 'PyTorch keypoint CNN on synthetic images (needs torch and pyzmq)',
      command: [python, pytorchTrainerPath()],
      // The same script: TRAINWIRE_MODE=predict makes it predict.
      predictCommand: [python, pytorchTrainerPath()],
      predictionsFile: 'predictions.jsonl',
      selfCheck: [python, pytorchTrainerPath(), '--self-check'],
      configProfile: 'pytorch',
      configFormat: 'json',
      env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    },
    {
      id: 'sleap-nn',
      description: 'sleap-nn (PyTorch) pose-estimation training',
      command: [
        'sleap-nn',
        'train',
        '--config-name',
        '{configName}',
        '--config-dir',
        '{configDir}',
        'trainer_config.zmq.publish_port={publishPort}',
        'trainer_config.zmq.controller_port={controlPort}',
        'trainer_config.ckpt_dir={checkpointDir|hydra}',
        'trainer_config.run_name={runName|hydra}',
        '?trainer_config.resume_ckpt_path={resume|hydra}',
        '?data_config.train_labels_path=[{input.labels|hydra}]',
      ],
      // sleap-nn's inference: its model is a checkpoint folder (best.ckpt with its
      // training_config.yaml), the input a video or a .slp, the output a .slp.
      predictCommand: [
        'sleap-nn',
        'track',
        '--data_path',
        '{input.input}',
        // A top-down centered-instance model predicts with its centroid model: the
        // worker gives a pipeline stage's model the models it trained with (stage inputs).
        '?--model_paths={input.centroid_model|dir}',
        '--model_paths',
        '{modelDir}',
        '--output_path',
        '{predictions}',
        '--device',
        '{device}',
      ],
      predictionsFile: 'predictions.slp',
      configProfile: 'sleap-nn',
      configFormat: 'yaml',
      env: { PYTHONUNBUFFERED: '1' },
    },
  ];
}
