import { describe, expect, it } from 'vitest';
import { type TrainerProfile, TrainerProfileSchema } from '../config/WorkerConfig.js';
import { buildTrainerCommand, hydraQuote, type LaunchContext } from './buildTrainerCommand.js';
import { builtinProfiles } from './builtinProfiles.js';

const context: LaunchContext = {
  jobId: 'job-7',
  configPath: '/var/tw/runs/job-7/config.yaml',
  runDir: '/var/tw/runs/job-7',
  checkpointDir: '/var/tw/runs/job-7/checkpoints',
  device: 'cuda',
  runName: 'centroid run',
  publishAddress: 'tcp://127.0.0.1:41001',
  controlAddress: 'tcp://127.0.0.1:41002',
  inputs: { labels: '/data/fly 1.slp' },
};
const profile = (id: string) => builtinProfiles().find((p) => p.id === id)!;

describe('buildTrainerCommand', () => {
  it('builds the sleap-nn command with Hydra overrides', () => {
    const { argv, env } = buildTrainerCommand(profile('sleap-nn'), context);
    expect(argv).toEqual([
      'sleap-nn',
      'train',
      '--config-name',
      'config.yaml',
      '--config-dir',
      '/var/tw/runs/job-7',
      'trainer_config.zmq.publish_port=41001',
      'trainer_config.zmq.controller_port=41002',
      'trainer_config.ckpt_dir=/var/tw/runs/job-7/checkpoints',
      "trainer_config.run_name='centroid run'",
      "data_config.train_labels_path=['/data/fly 1.slp']",
    ]);
    expect(env).toMatchObject({
      TRAINWIRE_JOB_ID: 'job-7',
      TRAINWIRE_DEVICE: 'cuda',
      TRAINWIRE_RESUME: '',
      TRAINWIRE_ZMQ_PUBLISH: 'tcp://127.0.0.1:41001',
      TRAINWIRE_INPUT_LABELS: '/data/fly 1.slp',
      PYTHONUNBUFFERED: '1',
    });
  });

  it('adds the resume checkpoint only when there is one', () => {
    const { argv } = buildTrainerCommand(profile('sleap-nn'), {
      ...context,
      resume: '/var/tw/runs/job-6/checkpoints/centroid/best.ckpt',
    });
    expect(argv).toContain(
      'trainer_config.resume_ckpt_path=/var/tw/runs/job-6/checkpoints/centroid/best.ckpt',
    );
  });

  it('hides the GPU from CPU jobs and rejects unknown placeholders', () => {
    expect(
      buildTrainerCommand(profile('builtin'), { ...context, device: 'cpu' }).env
        .CUDA_VISIBLE_DEVICES,
    ).toBe('');
    // Built without the schema (which refuses it too), so the check at job start still runs.
    const bad: TrainerProfile = {
      id: 'bad',
      command: ['python', '{scriptPath}'],
      configFormat: 'json',
      env: {},
    };
    expect(() => buildTrainerCommand(bad, context)).toThrow(/unknown placeholder \{scriptPath\}/);
    expect(TrainerProfileSchema.safeParse(bad).success).toBe(false);
  });

  it('maps a sleap-nn predict job to sleap-nn track with the model folder and the predictions path', () => {
    const predict: LaunchContext = {
      ...context,
      inputs: { input: '/data/fly video.mp4' },
      mode: 'predict',
      model: '/var/tw/runs/job-3/stages/centered_instance/checkpoints/best.ckpt',
      predictions: '/var/tw/runs/job-7/predictions.slp',
    };
    const { argv, env } = buildTrainerCommand(profile('sleap-nn'), predict);
    expect(argv).toEqual([
      'sleap-nn',
      'track',
      '--data_path',
      '/data/fly video.mp4',
      '--model_paths',
      '/var/tw/runs/job-3/stages/centered_instance/checkpoints',
      '--output_path',
      '/var/tw/runs/job-7/predictions.slp',
      '--device',
      'cuda',
    ]);
    expect(env).toMatchObject({
      TRAINWIRE_MODE: 'predict',
      TRAINWIRE_MODEL: predict.model,
      TRAINWIRE_PREDICTIONS: predict.predictions,
      TRAINWIRE_INPUT_INPUT: '/data/fly video.mp4',
    });
    expect(profile('sleap-nn').predictionsFile).toBe('predictions.slp');
    expect(buildTrainerCommand(profile('builtin'), predict).argv.slice(-1)).toEqual(['predict']);
    expect(buildTrainerCommand(profile('builtin'), context).env.TRAINWIRE_MODE).toBe('train');
    expect(() => buildTrainerCommand(profile('generate-dataset'), predict)).toThrow(
      /cannot predict/,
    );
  });

  it('quotes Hydra values that need it, so a path with spaces, commas or quotes arrives intact', () => {
    expect(hydraQuote('/var/tw/runs/job-7/checkpoints')).toBe('/var/tw/runs/job-7/checkpoints');
    expect(hydraQuote("/data/my runs, v2/it's=[x].slp")).toBe("'/data/my runs, v2/it\\'s=[x].slp'");
    expect(hydraQuote('C:\\data')).toBe("'C:\\\\data'");
  });
});
