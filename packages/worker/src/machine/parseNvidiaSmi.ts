import type { GpuInfo } from '@trainwire/core';

/**
 * Parses `nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`
 * (one GPU per line) and, when given, the banner of plain `nvidia-smi` for the CUDA
 * version. Lines that do not parse are skipped.
 *
 * @example
 * ```ts
 * parseNvidiaSmi('NVIDIA A100-SXM4-40GB, 40960, 535.104.05\n');
 * // [{ name: 'NVIDIA A100-SXM4-40GB', memoryMiB: 40960, driver: '535.104.05' }]
 * ```
 */
export function parseNvidiaSmi(query: string, banner?: string): GpuInfo[] {
  const cuda =
    banner === undefined ? undefined : /CUDA Version:\s*([0-9][0-9.]*)/.exec(banner)?.[1];
  const gpus: GpuInfo[] = [];
  for (const line of query.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length < 3) continue;
    // A GPU name may itself contain commas: memory and driver are the last two cells.
    const driver = cells.at(-1)!;
    const memory = Number(cells.at(-2));
    const name = cells.slice(0, -2).join(', ');
    if (name === '' || !Number.isFinite(memory)) continue;
    const gpu: GpuInfo = { name, memoryMiB: Math.round(memory) };
    if (driver !== '' && driver !== '[N/A]') gpu.driver = driver;
    if (cuda) gpu.cuda = cuda;
    gpus.push(gpu);
  }
  return gpus;
}
