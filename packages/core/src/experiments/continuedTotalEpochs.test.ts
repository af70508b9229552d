import { describe, expect, it } from 'vitest';
import { continuedTotalEpochs } from './deriveJobSpec.js';

describe('continuedTotalEpochs', () => {
  it('finishes a run that stopped short of its total, by default', () => {
    expect(continuedTotalEpochs(10, 4)).toBe(10);
  });

  it('trains as many again after a run that reached its total, or `more` past where it got', () => {
    expect(continuedTotalEpochs(10, 10)).toBe(20);
    expect(continuedTotalEpochs(10, 10, 5)).toBe(15);
    expect(continuedTotalEpochs(10, 4, 3)).toBe(7);
  });

  it('takes a parent whose progress is unknown as finished', () => {
    expect(continuedTotalEpochs(10, undefined)).toBe(20);
    expect(continuedTotalEpochs(10, undefined, 2)).toBe(12);
  });
});
