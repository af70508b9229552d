import { describe, expect, it } from 'vitest';
import type { WorkerReadiness } from '../schemas/Readiness.js';
import { describeReadiness } from './describeReadiness.js';

const gpu = { name: 'NVIDIA A100', memoryMiB: 40960 };

function readiness(overrides: Partial<WorkerReadiness> = {}): WorkerReadiness {
  return {
    gpu: { summary: 'GPU: NVIDIA A100 (40960 MiB)', gpus: [gpu] },
    cpuOnly: false,
    devices: ['auto', 'gpu', 'cpu'],
    profiles: [
      { profile: 'builtin', ready: true, command: { program: 'node', found: true }, log: [] },
      {
        profile: 'pytorch',
        ready: false,
        command: { program: '/usr/bin/python3', found: true },
        selfCheck: { ok: false, summary: 'torch is not importable on this worker', exitCode: 1 },
        reason: 'torch is not importable on this worker',
        log: ['$ /usr/bin/python3 train.py --self-check', 'exit code 1'],
      },
      {
        profile: 'generate-dataset',
        ready: true,
        command: { program: 'node', found: true },
        log: [],
      },
    ],
    checkedAt: 1,
    ttlMs: 300_000,
    cached: false,
    ...overrides,
  };
}

describe('describeReadiness', () => {
  it('enables what a ready profile does and says why the others are disabled', () => {
    const view = describeReadiness(readiness());
    expect(view.ready).toBe(true);
    expect(view.action('train:builtin')).toMatchObject({ enabled: true });
    expect(view.action('fine-tune:builtin')).toMatchObject({ enabled: true });
    expect(view.action('generate-dataset')).toMatchObject({ enabled: true });
    expect(view.action('train:pytorch')).toEqual({
      id: 'train:pytorch',
      label: 'Train (pytorch)',
      enabled: false,
      reason: 'pytorch: torch is not importable on this worker',
    });
    expect(view.action('fine-tune:pytorch').enabled).toBe(false);
    expect(view.action('device:gpu').enabled).toBe(true);
    expect(view.devices).toEqual(['auto', 'gpu', 'cpu']);
    expect(view.action('train:sleap-nn')).toMatchObject({
      enabled: false,
      reason: 'this worker does not offer sleap-nn',
    });
  });

  it('hides the GPU when the operator or the user chose CPU-only', () => {
    const mine = describeReadiness(readiness(), { cpuOnly: true });
    expect(mine.devices).toEqual(['cpu']);
    expect(mine.gpu).toBe('GPU: hidden (CPU-only)');
    expect(mine.action('device:gpu').reason).toBe('CPU-only is on in your preferences');
    const operator = describeReadiness(readiness({ cpuOnly: true, devices: ['cpu'] }));
    expect(operator.action('device:gpu').reason).toBe(
      'the worker is CPU-only (its operator set cpuOnly)',
    );
    const none = describeReadiness(
      readiness({ gpu: { summary: 'GPU: Not detected', gpus: [] }, devices: ['cpu'] }),
    );
    expect(none.action('device:gpu').reason).toBe('the worker has no GPU (GPU: Not detected)');
  });

  it('is not ready when no training profile is', () => {
    const view = describeReadiness(
      readiness({ profiles: readiness().profiles.filter((p) => p.profile !== 'builtin') }),
    );
    expect(view.ready).toBe(false);
  });
});
