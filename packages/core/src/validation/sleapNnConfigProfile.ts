import { z } from 'zod';
import type { ConfigIssue, ConfigProfile } from './ConfigProfile.js';
import { type ConfigFields, readField } from './configFields.js';

const section = z.looseObject({});

/** The shape sleap-nn needs before its rules can be checked; everything else passes. */
export const SleapNnConfigSchema = z.looseObject({
  data_config: section.optional(),
  model_config: z.looseObject({
    backbone_config: z.record(z.string(), z.unknown().nullable()),
    head_configs: z.record(z.string(), z.unknown().nullable()),
  }),
  trainer_config: section,
});

type Config = Record<string, unknown>;

const FIELDS: ConfigFields = {
  epochs: ['trainer_config', 'max_epochs'],
  learningRate: ['trainer_config', 'optimizer', 'lr'],
  batchSize: ['trainer_config', 'train_data_loader', 'batch_size'],
};

// One reading of a nested field for every rule and for totalEpochs.
const at = readField;

function issue(
  path: string,
  severity: ConfigIssue['severity'],
  code: string,
  message: string,
): ConfigIssue {
  return { path, severity, code, message };
}

function backboneAndHead(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const backbones = at(config, ['model_config', 'backbone_config']) as Config;
  const chosen = Object.entries(backbones).filter(
    ([, value]) => value !== null && value !== undefined,
  );
  if (chosen.length !== 1) {
    issues.push(
      issue(
        'model_config.backbone_config',
        'error',
        'one_backbone',
        `set exactly one backbone (unet, convnext or swint); found ${chosen.length === 0 ? 'none' : chosen.map(([k]) => k).join(', ')}`,
      ),
    );
  }
  for (const [name, backbone] of chosen) {
    const stride = at(backbone, ['max_stride']);
    if (stride === undefined) continue;
    const ok =
      typeof stride === 'number' &&
      Number.isInteger(stride) &&
      stride > 0 &&
      (stride & (stride - 1)) === 0;
    if (!ok) {
      issues.push(
        issue(
          `model_config.backbone_config.${name}.max_stride`,
          'error',
          'not_power_of_two',
          `max_stride must be a positive power of 2 (2, 4, 8, 16, 32…); got ${JSON.stringify(stride)}`,
        ),
      );
    }
  }
  const heads = at(config, ['model_config', 'head_configs']) as Config;
  const chosenHeads = Object.entries(heads).filter(
    ([, value]) => value !== null && value !== undefined,
  );
  if (chosenHeads.length !== 1) {
    issues.push(
      issue(
        'model_config.head_configs',
        'error',
        'one_head',
        `set exactly one head; found ${chosenHeads.length === 0 ? 'none' : chosenHeads.map(([k]) => k).join(', ')}`,
      ),
    );
  }
  return issues;
}

function trainer(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const epochs = at(config, FIELDS.epochs);
  if (epochs !== undefined) {
    if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 1) {
      issues.push(
        issue(
          'trainer_config.max_epochs',
          'error',
          'invalid_epochs',
          `max_epochs must be a whole number ≥ 1; got ${JSON.stringify(epochs)}`,
        ),
      );
    } else if (epochs > 10_000) {
      issues.push(
        issue(
          'trainer_config.max_epochs',
          'warning',
          'too_many_epochs',
          `${epochs} epochs is unusually many; check the value`,
        ),
      );
    }
  }
  for (const loader of ['train_data_loader', 'val_data_loader']) {
    const size = at(config, ['trainer_config', loader, 'batch_size']);
    if (size === undefined) continue;
    const path = `trainer_config.${loader}.batch_size`;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
      issues.push(
        issue(
          path,
          'error',
          'invalid_batch_size',
          `batch_size must be a whole number ≥ 1; got ${JSON.stringify(size)}`,
        ),
      );
    } else if (size > 256) {
      issues.push(
        issue(
          path,
          'warning',
          'large_batch_size',
          `batch size ${size} is above 256 and may not fit in GPU memory`,
        ),
      );
    }
  }
  const lr = at(config, ['trainer_config', 'optimizer', 'lr']);
  if (lr !== undefined && (typeof lr !== 'number' || !(lr > 0))) {
    issues.push(
      issue(
        'trainer_config.optimizer.lr',
        'error',
        'invalid_learning_rate',
        `learning rate must be greater than 0; got ${JSON.stringify(lr)}`,
      ),
    );
  }
  const optimizer = at(config, ['trainer_config', 'optimizer_name']);
  if (optimizer !== undefined && optimizer !== 'Adam' && optimizer !== 'AdamW') {
    issues.push(
      issue(
        'trainer_config.optimizer_name',
        'error',
        'unknown_optimizer',
        `optimizer_name must be "Adam" or "AdamW"; got ${JSON.stringify(optimizer)}`,
      ),
    );
  }
  if (at(config, ['trainer_config', 'save_ckpt']) === false) {
    issues.push(
      issue(
        'trainer_config.save_ckpt',
        'warning',
        'no_checkpoints',
        'checkpoint saving is off: no checkpoints will be saved',
      ),
    );
  }
  return issues;
}

const PROPORTION = /(^|_)(p|prob|probability|fraction|proportion)$/;
const ROTATION = /^rotation(_min|_max)?$/;

/** Proportions in [0, 1] and rotations in [-180, 180], wherever they appear. */
function ranges(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value as Config)) {
      const childPath = [...path, key];
      if (typeof child === 'number') {
        if (PROPORTION.test(key) && !(child >= 0 && child <= 1)) {
          issues.push(
            issue(
              childPath.join('.'),
              'error',
              'out_of_range',
              `${key} is a proportion and must be between 0 and 1; got ${child}`,
            ),
          );
        }
        if (ROTATION.test(key) && !(child >= -180 && child <= 180)) {
          issues.push(
            issue(
              childPath.join('.'),
              'error',
              'out_of_range',
              `${key} is an angle and must be between -180 and 180 degrees; got ${child}`,
            ),
          );
        }
      } else {
        walk(child, childPath);
      }
    }
  };
  walk(config, []);
  return issues;
}

/** Validation profile of sleap-nn training configs (`sleap-nn`). */
export const sleapNnConfigProfile: ConfigProfile = {
  id: 'sleap-nn',
  description: 'sleap-nn training config (data_config, model_config, trainer_config)',
  schema: SleapNnConfigSchema,
  rules: [backboneAndHead, trainer, ranges],
  fields: FIELDS,
  totalEpochs: (config) => {
    const epochs = readField(config, FIELDS.epochs);
    return typeof epochs === 'number' && epochs >= 1 ? epochs : undefined;
  },
};
