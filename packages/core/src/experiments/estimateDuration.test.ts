import { describe, expect, it } from 'vitest';
import { builtinConfigProfile } from '../validation/builtinConfigProfile.js';
import { validateWithProfile } from '../validation/ConfigProfileRegistry.js';
import { pytorchConfigProfile } from '../validation/pytorchConfigProfile.js';
import { PRESET_NAMES, presetsFor, TRAINING_PRESETS } from '../validation/trainingPresets.js';
import { estimateDuration, formatEstimate } from './estimateDuration.js';

const samples = (value: number) => ({ value, unit: 'samples' as const });

describe('estimateDuration', () => {
  it('scales each comparable run by dataset size and takes the median, times the epochs', () => {
    const runs = [
      { msPerEpoch: 100, datasetSize: samples(1000) }, // 200 ms at 2000
      { msPerEpoch: 500, datasetSize: samples(2000) }, // 500 ms
      { msPerEpoch: 90_000, datasetSize: samples(1000) }, // an outlier: the median ignores it
      { msPerEpoch: 1, datasetSize: { value: 10, unit: 'bytes' as const } }, // not comparable
    ];
    expect(estimateDuration(runs, { epochs: 10, datasetSize: samples(2000) })).toEqual({
      seconds: 5,
      basedOnJobs: 3,
    });
    expect(estimateDuration(runs.slice(0, 2), { epochs: 10, datasetSize: samples(2000) })).toEqual({
      seconds: 3.5,
      basedOnJobs: 2,
    });
  });

  it('never guesses without history', () => {
    expect(estimateDuration([], { epochs: 5, datasetSize: samples(10) })).toEqual({
      noHistory: true,
    });
    expect(
      estimateDuration([{ msPerEpoch: 5, datasetSize: samples(10) }], {
        epochs: 5,
        datasetSize: { value: 10, unit: 'bytes' },
      }),
    ).toEqual({ noHistory: true });
  });

  it('reads as a person says it', () => {
    expect(formatEstimate({ noHistory: true })).toBe('no history yet');
    expect(formatEstimate({ seconds: 118, basedOnJobs: 3 })).toBe('about 2 min (from 3 runs)');
    expect(formatEstimate({ seconds: 40.2, basedOnJobs: 1 })).toBe('about 40 s (from 1 run)');
    expect(formatEstimate({ seconds: 0.02, basedOnJobs: 2 })).toBe('about 1 s (from 2 runs)');
    expect(formatEstimate({ seconds: 3900, basedOnJobs: 12 })).toBe(
      'about 1 h 5 min (from 12 runs)',
    );
  });
});

describe('training presets', () => {
  it('map quick, standard and epic of each profile to configs its rules accept, in growing size', () => {
    expect(Object.keys(TRAINING_PRESETS)).toEqual(['builtin', 'pytorch']);
    for (const [profile, rules] of [
      ['builtin', builtinConfigProfile],
      ['pytorch', pytorchConfigProfile],
    ] as const) {
      const presets = presetsFor(profile)!;
      const work = PRESET_NAMES.map((name) => {
        const config = structuredClone(presets.presets[name]) as Record<string, unknown>;
        expect(validateWithProfile(rules, config).ok, `${profile} ${name}`).toBe(true);
        return (rules.totalEpochs(config) ?? 0) * presets.samples(config);
      });
      expect(work).toEqual([...work].sort((a, b) => a - b));
    }
    expect(presetsFor('sleap-nn')).toBeUndefined();
    expect(presetsFor('toString')).toBeUndefined();
  });
});
