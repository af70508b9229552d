import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, tempDir } from '../__tests__/helpers.js';
import { loadWorkerConfig } from './WorkerConfig.js';

afterEach(cleanTempDirs);

function load(lines: string[]) {
  const file = join(tempDir(), 'worker.yaml');
  writeFileSync(file, ['dataDir: ./state', ...lines].join('\n'));
  return () => loadWorkerConfig(file);
}

describe('launcher: slurm in worker.yaml', () => {
  it('reads the Slurm settings with their defaults; local stays the default launcher', () => {
    expect(load([])().launcher).toBe('local');
    const config = load([
      'launcher: slurm',
      'slurm:',
      '  partition: gpu',
      '  account: lab-smith',
      '  timeLimit: "1-12:00:00"',
      '  gpusPerJob: 2',
      '  gpuType: a100',
      '  gpu: { name: NVIDIA A100-SXM4-80GB, memoryMiB: 81920 }',
      '  sbatchOptions: ["--qos=normal", "--exclusive"]',
      '  progressHost: 10.1.0.5',
    ])();
    expect(config).toMatchObject({
      launcher: 'slurm',
      slurm: {
        partition: 'gpu',
        account: 'lab-smith',
        timeLimit: '1-12:00:00',
        gpusPerJob: 2,
        gpuType: 'a100',
        sbatchOptions: ['--qos=normal', '--exclusive'],
        progressHost: '10.1.0.5',
        pollIntervalMs: 2000,
      },
    });
  });

  it.each([
    [['launcher: kubernetes'], /launcher/],
    [
      ['slurm: { partition: gpu }'],
      /slurm: slurm settings are given but the launcher is local; add "launcher: slurm"/,
    ],
    [
      ['launcher: slurm', 'slurm: { timeLimit: "12 hours" }'],
      /slurm\.timeLimit: a Slurm time limit: "MINUTES", "HH:MM:SS"/,
    ],
    [
      ['launcher: slurm', 'slurm: { partition: "gpu nodes" }'],
      /slurm\.partition: a Slurm partition name/,
    ],
    [
      ['launcher: slurm', 'slurm: { sbatchOptions: ["--qos normal"] }'],
      /slurm\.sbatchOptions\[0\]: "--qos normal" is not an sbatch option in its long form/,
    ],
    [
      ['launcher: slurm', 'slurm: { sbatchOptions: ["--qos=normal", "-q"] }'],
      /slurm\.sbatchOptions\[1\]: "-q" is not an sbatch option in its long form/,
    ],
    [
      ['launcher: slurm', 'slurm: { sbatchOptions: ["--output=/tmp/x"] }'],
      /slurm\.sbatchOptions\[0\]: "--output" is set by trainwire on every job/,
    ],
    [
      ['launcher: slurm', 'slurm: { sbatchOptions: ["--partition=gpu"] }'],
      /"--partition" is set by trainwire on every job \(set slurm\.partition instead\)/,
    ],
    [
      ['launcher: slurm', 'slurm: { gpusPerJob: 1 }'],
      /slurm\.gpu: gpusPerJob is 1, so clients need to know which GPU a job gets/,
    ],
    [
      ['launcher: slurm', 'slurm: { gpuType: a100 }'],
      /slurm\.gpuType: gpuType is set but gpusPerJob is 0/,
    ],
    [
      ['launcher: slurm', 'slurm: { progressHost: 0.0.0.0 }'],
      /slurm\.progressHost: "0\.0\.0\.0" is not an address a trainer can connect to/,
    ],
    [['launcher: slurm', 'slurm: { partiton: gpu }'], /partiton/],
    [
      [
        'launcher: slurm',
        'cpuOnly: true',
        'slurm: { gpusPerJob: 1, gpu: { name: A100, memoryMiB: 40960 } }',
      ],
      /slurm\.gpusPerJob: the worker is CPU-only/,
    ],
  ])('refuses %j naming the field', (lines, message) => {
    expect(load(lines)).toThrow(message);
  });
});
