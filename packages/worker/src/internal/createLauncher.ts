import { SlurmSettingsSchema } from '../config/SlurmSettings.js';
import type { WorkerConfig } from '../config/WorkerConfig.js';
import { LocalLauncher } from '../runner/LocalLauncher.js';
import { SlurmLauncher } from '../runner/SlurmLauncher.js';
import type { TrainerLauncher } from '../runner/TrainerLauncher.js';
import type { FileModes } from './FileModes.js';

/**
 * The launcher `worker.yaml` asks for (`launcher: local | slurm`). A new kind of launcher
 * (Kubernetes Jobs, …) is one more case here, with its settings in `WorkerConfigSchema`.
 */
export function createLauncher(config: WorkerConfig, modes: FileModes): TrainerLauncher {
  switch (config.launcher) {
    case 'slurm':
      return new SlurmLauncher({
        settings: config.slurm ?? SlurmSettingsSchema.parse({}),
        stopGraceMs: config.stopGraceMs,
        modes,
      });
    case 'local':
      return new LocalLauncher({
        stopGraceMs: config.stopGraceMs,
        cancelGraceMs: config.cancelGraceMs,
        modes,
      });
  }
}

/** Where trainers connect for progress: loopback, or the address the Slurm nodes reach. */
export function progressHost(config: WorkerConfig): string {
  return config.launcher === 'slurm' ? (config.slurm?.progressHost ?? '127.0.0.1') : '127.0.0.1';
}
