import { describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';

describe('trainwire env', () => {
  it('says what a worker here would report, GPU or not', async () => {
    const t = fakeIo();
    expect(await main(['env'], t.io)).toBe(0);
    expect(t.out()).toMatch(/^GPU: /);
    expect(t.out()).toMatch(/CPU: .+ \(\d+ cores\)/);
    const cpuOnly = fakeIo();
    expect(await main(['env', '--cpu-only', '--json'], cpuOnly.io)).toBe(0);
    expect(JSON.parse(cpuOnly.out())).toMatchObject({
      gpu: null,
      summary: 'GPU: Not used (CPU-only)',
    });
  });
});
