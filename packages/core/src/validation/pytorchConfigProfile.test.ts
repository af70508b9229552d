import { describe, expect, it } from 'vitest';
import { ConfigProfileRegistry } from './ConfigProfileRegistry.js';
import { pytorchConfigProfile } from './pytorchConfigProfile.js';

describe('pytorch config profile', () => {
  const registry = new ConfigProfileRegistry([pytorchConfigProfile]);

  it('accepts the empty config and counts the trainer default of 10 epochs', () => {
    expect(registry.validate('pytorch', {})).toEqual({ ok: true, issues: [] });
    expect(pytorchConfigProfile.totalEpochs({})).toBe(10);
    expect(pytorchConfigProfile.totalEpochs({ epochs: 3 })).toBe(3);
  });

  it('names each bad field, as the trainer would refuse it', () => {
    const report = registry.validate('pytorch', {
      imageSize: 20,
      keypoints: 0,
      validationFraction: 0.95,
      hiddenLayers: [8],
    });
    expect(report.ok).toBe(false);
    expect(report.issues.map((i) => i.path).sort()).toEqual([
      '(root)',
      'imageSize',
      'keypoints',
      'validationFraction',
    ]);
    expect(report.issues.find((i) => i.path === 'imageSize')?.message).toContain('multiple of 8');
  });

  it('warns when only best and last checkpoints will be kept', () => {
    const report = registry.validate('pytorch', { checkpointEvery: 0 });
    expect(report).toMatchObject({ ok: true, issues: [{ code: 'few_checkpoints' }] });
  });
});
