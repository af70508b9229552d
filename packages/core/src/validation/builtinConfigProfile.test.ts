import { describe, expect, it } from 'vitest';
import { isTrainwireError } from '../errors.js';
import { builtinConfigProfile } from './builtinConfigProfile.js';
import { ConfigProfileRegistry } from './ConfigProfileRegistry.js';

describe('builtin config profile', () => {
  const registry = new ConfigProfileRegistry([builtinConfigProfile]);

  it('accepts defaults', () => {
    expect(registry.validate('builtin', {})).toEqual({ ok: true, issues: [] });
  });

  it('counts the schema default of 20 epochs when the config sets none', () => {
    expect(builtinConfigProfile.totalEpochs({})).toBe(20);
    expect(builtinConfigProfile.totalEpochs({ epochs: 5 })).toBe(5);
  });

  it('names the field and what was expected', () => {
    const report = registry.validate('builtin', { epochs: 0, learningRate: -1, extra: true });
    expect(report.ok).toBe(false);
    expect(report.issues.map((i) => i.path).sort()).toEqual(['(root)', 'epochs', 'learningRate']);
    expect(report.issues.find((i) => i.path === 'epochs')?.message).toContain('at least 1');
  });

  it('warns on extreme values', () => {
    const report = registry.validate('builtin', {
      epochs: 20000,
      batchSize: 1024,
      checkpointEvery: 0,
    });
    expect(report.ok).toBe(true);
    expect(report.issues.map((i) => i.code)).toEqual([
      'too_many_epochs',
      'large_batch_size',
      'few_checkpoints',
    ]);
  });

  it('refuses an unknown profile with the known ones listed', () => {
    let caught: unknown;
    try {
      registry.validate('nope', {});
    } catch (error) {
      caught = error;
    }
    expect(isTrainwireError(caught, 'unknown_profile')).toBe(true);
    expect((caught as Error).message).toContain('builtin');
  });
});
