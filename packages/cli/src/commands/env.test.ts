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

describe('trainwire env: the PyTorch trainer', () => {
  it('says which Python it tried and what to install when torch cannot run', async () => {
    const t = fakeIo({ env: { TRAINWIRE_PYTHON: '/nonexistent/python3' } });
    expect(await main(['env'], t.io)).toBe(0);
    expect(t.out()).toContain(
      'PyTorch trainer (profile pytorch): unavailable: /nonexistent/python3 does not exist',
    );
    const json = fakeIo({ env: { TRAINWIRE_PYTHON: '/nonexistent/python3' } });
    expect(await main(['env', '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out()).pytorch).toMatchObject({ ok: false, missing: ['python'] });
  });

  it("reports torch's version and device from Debian's python3-torch", async () => {
    const t = fakeIo({ env: {} });
    expect(await main(['env', '--json'], t.io)).toBe(0);
    expect(JSON.parse(t.out()).pytorch).toMatchObject({
      ok: true,
      python: '/usr/bin/python3',
      device: 'cpu',
      torch: expect.stringMatching(/^\d+\.\d+/),
    });
  });
});
