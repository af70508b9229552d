import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { describeGpu, type GpuInfo } from '@trainwire/core';
import { parseNvidiaSmi } from './parseNvidiaSmi.js';

/** Runs a program and returns its stdout; rejects when it is missing or fails. */
export type RunCommand = (program: string, args: string[]) => Promise<string>;

/** What the worker found about its machine. */
export interface MachineInfo {
  /** Every GPU `nvidia-smi` listed (empty when none, or when CPU-only). */
  gpus: GpuInfo[];
  /** The GPU offered to jobs: the first one, or `null` ("GPU: Not detected"). */
  gpu: GpuInfo | null;
  cpu: { model: string; cores: number };
  ramMiB: number;
  /** One line for people: "GPU: NVIDIA A100 (40960 MiB)" or "GPU: Not detected". */
  summary: string;
}

const runFile: RunCommand = (program, args) =>
  new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 5_000, encoding: 'utf8' }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });

/**
 * Detects GPUs with `nvidia-smi` (none when it is missing or fails), the CPU and RAM. A
 * CPU-only worker never offers a GPU.
 *
 * @example
 * ```ts
 * const machine = await detectMachine({ cpuOnly: false });
 * console.log(machine.summary); // "GPU: Not detected"
 * ```
 */
export async function detectMachine(
  options: { cpuOnly?: boolean; run?: RunCommand } = {},
): Promise<MachineInfo> {
  const run = options.run ?? runFile;
  let gpus: GpuInfo[] = [];
  if (!options.cpuOnly) {
    try {
      const query = await run('nvidia-smi', [
        '--query-gpu=name,memory.total,driver_version',
        '--format=csv,noheader,nounits',
      ]);
      const banner = await run('nvidia-smi', []).catch(() => undefined);
      gpus = parseNvidiaSmi(query, banner);
    } catch {
      gpus = [];
    }
  }
  const cpuList = cpus();
  const gpu = gpus[0] ?? null;
  const gpuText = gpu
    ? `${describeGpu(gpu)}${gpus.length > 1 ? ` ×${gpus.length}` : ''}`
    : options.cpuOnly
      ? 'Not used (CPU-only)'
      : describeGpu(null);
  return {
    gpus,
    gpu,
    cpu: { model: cpuList[0]?.model.trim() || 'unknown CPU', cores: Math.max(cpuList.length, 1) },
    ramMiB: Math.round(totalmem() / 1024 / 1024),
    summary: `GPU: ${gpuText}`,
  };
}
