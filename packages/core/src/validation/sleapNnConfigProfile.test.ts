import { describe, expect, it } from 'vitest';
import { validateWithProfile } from './ConfigProfileRegistry.js';
import { parseConfigText } from './parseConfigText.js';
import { sleapNnConfigProfile } from './sleapNnConfigProfile.js';

const good = `
data_config:
  validation_fraction: 0.1
  augmentation_config:
    geometric:
      rotation_min: -15.0
      rotation_max: 15.0
      affine_p: 1.0
model_config:
  backbone_config:
    unet:
      max_stride: 16
    convnext: null
  head_configs:
    single_instance: null
    centered_instance:
      confmaps: { sigma: 2.5 }
trainer_config:
  train_data_loader: { batch_size: 4 }
  val_data_loader: { batch_size: 4 }
  max_epochs: 200
  optimizer_name: Adam
  optimizer: { lr: 0.0001 }
  save_ckpt: true
`;

function codes(text: string) {
  return validateWithProfile(sleapNnConfigProfile, parseConfigText(text)).issues.map(
    (i) => `${i.severity}:${i.path}:${i.code}`,
  );
}

describe('sleap-nn config profile', () => {
  it('accepts a good config without issues and knows its epochs', () => {
    const config = parseConfigText(good);
    expect(validateWithProfile(sleapNnConfigProfile, config)).toEqual({ ok: true, issues: [] });
    expect(sleapNnConfigProfile.totalEpochs(config)).toBe(200);
  });

  it('names each bad field with its path', () => {
    const bad = good
      .replace('max_stride: 16', 'max_stride: 24')
      .replace('max_epochs: 200', 'max_epochs: 0')
      .replace('optimizer_name: Adam', 'optimizer_name: SGD')
      .replace('lr: 0.0001', 'lr: 0')
      .replace('validation_fraction: 0.1', 'validation_fraction: 1.5')
      .replace('rotation_max: 15.0', 'rotation_max: 270')
      .replace('train_data_loader: { batch_size: 4 }', 'train_data_loader: { batch_size: 0 }');
    expect(codes(bad)).toEqual(
      expect.arrayContaining([
        'error:model_config.backbone_config.unet.max_stride:not_power_of_two',
        'error:trainer_config.max_epochs:invalid_epochs',
        'error:trainer_config.optimizer_name:unknown_optimizer',
        'error:trainer_config.optimizer.lr:invalid_learning_rate',
        'error:data_config.validation_fraction:out_of_range',
        'error:data_config.augmentation_config.geometric.rotation_max:out_of_range',
        'error:trainer_config.train_data_loader.batch_size:invalid_batch_size',
      ]),
    );
  });

  it('warns on huge epochs and batch size, and when checkpoints are off', () => {
    const text = good
      .replace('max_epochs: 200', 'max_epochs: 20000')
      .replace('val_data_loader: { batch_size: 4 }', 'val_data_loader: { batch_size: 512 }')
      .replace('save_ckpt: true', 'save_ckpt: false');
    const report = validateWithProfile(sleapNnConfigProfile, parseConfigText(text));
    expect(report.ok).toBe(true);
    expect(report.issues.map((i) => i.code).sort()).toEqual([
      'large_batch_size',
      'no_checkpoints',
      'too_many_epochs',
    ]);
    expect(report.issues.find((i) => i.code === 'no_checkpoints')?.message).toContain(
      'no checkpoints will be saved',
    );
  });

  it('requires exactly one backbone and one head', () => {
    const two = good
      .replace('convnext: null', 'convnext: { max_stride: 32 }')
      .replace('single_instance: null', 'single_instance: {}');
    expect(codes(two)).toEqual(
      expect.arrayContaining([
        'error:model_config.backbone_config:one_backbone',
        'error:model_config.head_configs:one_head',
      ]),
    );
  });

  it('reports a missing section through the schema with its path', () => {
    expect(codes('trainer_config: {}')).toEqual(['error:model_config:invalid_value']);
  });
});

describe('parseConfigText', () => {
  it('reads JSON as well as YAML', () => {
    expect(parseConfigText('{"epochs": 3}', 'a.json')).toEqual({ epochs: 3 });
  });

  it('names the file, line and column of a syntax error', () => {
    expect(() => parseConfigText('a: 1\nb: [1, 2\n', 'train.yaml')).toThrow(
      /train\.yaml is not valid YAML or JSON at line \d+, column \d+/,
    );
  });

  it('refuses a top level that is not a mapping', () => {
    expect(() => parseConfigText('- 1\n- 2', 'list.yaml')).toThrow(/must be a mapping/);
  });
});
