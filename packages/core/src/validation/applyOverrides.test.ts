import { describe, expect, it } from 'vitest';
import { applyOverrides } from './applyOverrides.js';
import { builtinConfigProfile } from './builtinConfigProfile.js';
import { BUILTIN_PRESETS } from './builtinPresets.js';
import { validateWithProfile } from './ConfigProfileRegistry.js';
import { sleapNnConfigProfile } from './sleapNnConfigProfile.js';

describe('overrides land where each profile keeps the setting', () => {
  it('builtin: top-level fields; totalEpochs reads the same place', () => {
    const config = applyOverrides(
      builtinConfigProfile,
      { epochs: 3 },
      { epochs: 12, batchSize: 8 },
    );
    expect(config).toEqual({ epochs: 12, batchSize: 8 });
    expect(builtinConfigProfile.totalEpochs(config)).toBe(12);
  });

  it('sleap-nn: under trainer_config, making the sections on the way; the input is left alone', () => {
    const input = { trainer_config: { max_epochs: 200, optimizer: 'not an object' } };
    const config = applyOverrides(sleapNnConfigProfile, input, {
      epochs: 50,
      learningRate: 0.001,
      batchSize: 4,
    });
    expect(config).toEqual({
      trainer_config: {
        max_epochs: 50,
        optimizer: { lr: 0.001 },
        train_data_loader: { batch_size: 4 },
      },
    });
    expect(sleapNnConfigProfile.totalEpochs(config)).toBe(50);
    expect(input.trainer_config.max_epochs).toBe(200);
  });

  it('a profile that does not say where its settings are refuses overrides, and takes none', () => {
    expect(() => applyOverrides({ id: 'custom' }, {}, { epochs: 3 })).toThrow(
      expect.objectContaining({ code: 'unsupported_override' }),
    );
    const config = { anything: 1 };
    expect(applyOverrides(undefined, config, { epochs: undefined })).toBe(config);
  });
});

describe('the built-in presets', () => {
  it('are valid builtin configs', () => {
    for (const [name, preset] of Object.entries(BUILTIN_PRESETS))
      expect(validateWithProfile(builtinConfigProfile, preset).ok, name).toBe(true);
    expect(builtinConfigProfile.totalEpochs({ ...BUILTIN_PRESETS.quick })).toBe(8);
  });
});
