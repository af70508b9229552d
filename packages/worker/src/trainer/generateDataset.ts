import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDataset, generateSynthetic } from './Dataset.js';
import type { GenerateDatasetConfig } from './TrainerConfig.js';

/** Thrown when a dataset of that name exists and `overwrite` was not set. */
export class DatasetExistsError extends Error {
  override name = 'DatasetExistsError';
}

/**
 * Writes a synthetic dataset to `<dir>/<name>.<format>` and returns its path. Refuses to
 * replace an existing dataset unless `config.overwrite` is true; never leaves half a file.
 */
export function generateDataset(config: GenerateDatasetConfig, dir: string): string {
  const path = join(dir, `${config.name}.${config.format}`);
  if (existsSync(path) && !config.overwrite) {
    throw new DatasetExistsError(
      `dataset "${config.name}" already exists at ${path}; pick another name or set "overwrite": true to replace it`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const dataset = generateSynthetic(config);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, formatDataset(dataset, config.format));
  renameSync(tmp, path);
  return path;
}
