import type { FileModes } from '../internal/FileModes.js';
import { isProcessGone } from '../internal/isProcessGone.js';
import {
  killOrphanedTrainer,
  removeTrainerPid,
  writeTrainerPid,
} from '../internal/trainerPidFile.js';
import type {
  LaunchExit,
  LaunchedTrainer,
  LaunchRequest,
  TrainerLauncher,
} from './TrainerLauncher.js';
import { TrainerProcess } from './TrainerProcess.js';

/** How long a killed orphan trainer gets to go away before its files are read. */
const ORPHAN_EXIT_MS = 2_000;

/** Settings of the local launcher (`stopGraceMs`, `cancelGraceMs` of `worker.yaml`). */
export interface LocalLauncherOptions {
  /** After a stop command, how long before SIGINT. */
  stopGraceMs: number;
  /** After SIGTERM, how long before SIGKILL. */
  cancelGraceMs: number;
  /** Modes of the pid file it keeps in the run folder. */
  modes: FileModes;
}

/**
 * The default launcher: each trainer is a child process of the worker in its own process
 * group ({@link TrainerProcess}), on this machine. Its pid is kept in the run folder
 * (`trainer.pid`) so a restarted worker can end a trainer that outlived it.
 *
 * @example
 * ```ts
 * const launcher = new LocalLauncher({ stopGraceMs: 30_000, cancelGraceMs: 5_000, modes });
 * await createWorker(config, { launcher });
 * ```
 */
export class LocalLauncher implements TrainerLauncher {
  readonly kind = 'local';

  constructor(private readonly options: LocalLauncherOptions) {}

  async launch(request: LaunchRequest): Promise<LaunchedTrainer> {
    const proc = TrainerProcess.start({
      argv: request.argv,
      env: request.env,
      cwd: request.cwd,
      ...(request.umask === undefined ? {} : { umask: request.umask }),
      link: request.link,
      stopGraceMs: this.options.stopGraceMs,
      cancelGraceMs: this.options.cancelGraceMs,
      onLog: request.onLog,
      onProgress: request.onProgress,
    });
    request.onStatus({ state: 'running' });
    const { modes } = this.options;
    const exited: Promise<LaunchExit> = proc.exited.then((exit) => {
      removeTrainerPid(request.runDir);
      return { ...exit, started: exit.spawnError === undefined };
    });
    return {
      exited,
      get pid() {
        return proc.pid;
      },
      description: `process ${proc.pid ?? '(not started)'}`,
      remember: () => writeTrainerPid(request.runDir, proc.pid, modes),
      stop: () => proc.stop(),
      cancel: () => proc.cancel(),
    };
  }

  async endOrphan(runDir: string, jobId: string): Promise<string | undefined> {
    const pid = killOrphanedTrainer(runDir, jobId);
    if (pid === undefined) return undefined;
    const start = Date.now();
    while (Date.now() - start < ORPHAN_EXIT_MS && !isProcessGone(pid)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return `its trainer (pid ${pid})`;
  }

  async close(): Promise<void> {}
}
