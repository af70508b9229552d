import { join } from 'node:path';
import type { TrainerProfile } from '../config/WorkerConfig.js';

/** Where a job's config lies in its run folder: `config.yaml` or `config.json`, by profile. */
export function runConfigPath(
  runDir: string,
  configFormat: TrainerProfile['configFormat'] | undefined,
): string {
  return join(runDir, configFormat === 'yaml' ? 'config.yaml' : 'config.json');
}
