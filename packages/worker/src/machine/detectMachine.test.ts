import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectMachine, type RunCommand } from './detectMachine.js';
import { parseNvidiaSmi } from './parseNvidiaSmi.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** A fake nvidia-smi that answers from recorded output. */
function recorded(query: string, banner: string): RunCommand {
  return async (program, args) => {
    if (program !== 'nvidia-smi') throw new Error(`unexpected ${program}`);
    return args.length === 0 ? banner : query;
  };
}

const missing: RunCommand = async () => {
  throw Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
};

describe('parseNvidiaSmi', () => {
  it('parses one GPU with the CUDA version from the banner', () => {
    expect(parseNvidiaSmi(fixture('query-1gpu.txt'), fixture('banner-1gpu.txt'))).toEqual([
      { name: 'NVIDIA GeForce RTX 3090', memoryMiB: 24576, driver: '535.104.05', cuda: '12.2' },
    ]);
  });

  it('parses two GPUs', () => {
    const gpus = parseNvidiaSmi(fixture('query-2gpu.txt'), fixture('banner-2gpu.txt'));
    expect(gpus).toHaveLength(2);
    expect(gpus[1]).toEqual({
      name: 'NVIDIA A100-SXM4-40GB',
      memoryMiB: 40960,
      driver: '525.85.12',
      cuda: '12.0',
    });
  });

  it('skips garbage and keeps names with commas', () => {
    expect(parseNvidiaSmi('No devices were found\n\nTesla, K80, 11441, [N/A]\n')).toEqual([
      { name: 'Tesla, K80', memoryMiB: 11441 },
    ]);
  });
});

describe('detectMachine', () => {
  it('reports "GPU: Not detected" when nvidia-smi is missing', async () => {
    const machine = await detectMachine({ run: missing });
    expect(machine.gpu).toBeNull();
    expect(machine.summary).toBe('GPU: Not detected');
    expect(machine.cpu.cores).toBeGreaterThan(0);
    expect(machine.ramMiB).toBeGreaterThan(0);
  });

  it('offers the first GPU, and none when CPU-only', async () => {
    const run = recorded(fixture('query-2gpu.txt'), fixture('banner-2gpu.txt'));
    const machine = await detectMachine({ run });
    expect(machine.gpu?.name).toBe('NVIDIA A100-SXM4-40GB');
    expect(machine.summary).toBe('GPU: NVIDIA A100-SXM4-40GB (40960 MiB) ×2');
    const cpuOnly = await detectMachine({ run, cpuOnly: true });
    expect(cpuOnly.gpu).toBeNull();
    expect(cpuOnly.gpus).toEqual([]);
  });
});
