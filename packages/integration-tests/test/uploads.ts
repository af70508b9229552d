import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultLab } from './faultLab.js';
import { smallConfig } from './faultLab.js';
import { pacedTrainArgs } from './faultSteps.js';

/** SHA-256 of some bytes, hex. */
export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Percentages of the `Uploading NAME: N% …` lines, in order. */
export function uploadPercents(stdout: string): number[] {
  return [...stdout.matchAll(/^Uploading [^\n]*?: (\d+)% of/gm)].map((m) => Number(m[1]));
}

/** Files under the worker's uploads folder (complete and partial), with their sizes. */
export function uploadedFiles(lab: FaultLab): Array<{ path: string; size: number }> {
  const root = join(lab.workerDataDir, 'uploads');
  return (readdirSync(root, { recursive: true }) as string[])
    .map((path) => join(root, path))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, size: statSync(path).size }));
}

/** `train` of a paced job (3 epochs, unless `config` is given) with `--upload blob=FILE`. */
export function trainWithUpload(
  lab: FaultLab,
  file: string,
  config = lab.writeConfig('upload.json', smallConfig(3)),
): string[] {
  return pacedTrainArgs(lab, config, '--upload', `blob=${file}`);
}
