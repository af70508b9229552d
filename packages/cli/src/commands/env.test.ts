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

  it('names the WebRTC backend links get here, and a bad TRAINWIRE_RTC_BACKEND in words', async () => {
    const saved = process.env.TRAINWIRE_RTC_BACKEND;
    try {
      delete process.env.TRAINWIRE_RTC_BACKEND;
      const t = fakeIo();
      expect(await main(['env', '--json'], t.io)).toBe(0);
      expect(JSON.parse(t.out()).webrtc).toEqual({
        backend: 'werift',
        source: 'default',
        skipped: [],
      });
      process.env.TRAINWIRE_RTC_BACKEND = 'auto';
      const auto = fakeIo();
      expect(await main(['env'], auto.io)).toBe(0);
      expect(auto.out()).toContain('WebRTC backend: node-datachannel (from env)');
      process.env.TRAINWIRE_RTC_BACKEND = 'quic';
      const bad = fakeIo();
      expect(await main(['env'], bad.io)).toBe(0);
      expect(bad.out()).toMatch(
        /WebRTC backend: none \(TRAINWIRE_RTC_BACKEND is "quic".*one of werift/,
      );
    } finally {
      if (saved === undefined) delete process.env.TRAINWIRE_RTC_BACKEND;
      else process.env.TRAINWIRE_RTC_BACKEND = saved;
    }
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
