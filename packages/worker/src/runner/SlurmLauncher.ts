import { readFileSync, rmSync } from 'node:fs';
import type { SlurmSettings } from '../config/SlurmSettings.js';
import { WorkerError } from '../errors.js';
import { type FileModes, writeFileWithMode } from '../internal/FileModes.js';
import { runSlurm, slurmMessage } from '../internal/slurm/runSlurm.js';
import { SlurmQueue } from '../internal/slurm/SlurmQueue.js';
import { SlurmTrainer } from '../internal/slurm/SlurmTrainer.js';
import { sbatchJob, slurmJobName } from '../internal/slurm/sbatchJob.js';
import { slurmJobIdFile } from '../internal/slurm/slurmJobIdFile.js';
import { phaseOf } from '../internal/slurm/slurmJobs.js';
import { trainerEnvironment } from '../internal/trainerEnvironment.js';
import type { LaunchedTrainer, LaunchRequest, TrainerLauncher } from './TrainerLauncher.js';

/** How long a restarted worker waits for an orphaned Slurm job to go once it cancelled it. */
const ORPHAN_END_MS = 15_000;

/** Settings of the Slurm launcher. */
export interface SlurmLauncherOptions {
  /** `slurm` of `worker.yaml`: partition, account, time limit, GPUs, sbatch options, … */
  settings: SlurmSettings;
  /** After a stop command, how long before `scancel --signal=INT` (`stopGraceMs`). */
  stopGraceMs: number;
  /** Modes of the batch script and the job id file it keeps in the run folder. */
  modes: FileModes;
}

/**
 * Runs each trainer as a Slurm job: writes a batch script into the job's run folder and
 * submits it with `sbatch` (partition, account, time limit, `--gres=gpu:N` for a GPU job,
 * the operator's `sbatchOptions`); follows it with one `squeue` for all the worker's jobs
 * (a pending job is `queued` with Slurm's reason; a time limit, node failure or preemption
 * ends it `failed` with Slurm's words); reads its output from the files Slurm writes
 * there. Progress comes over ZeroMQ as from a local trainer: the trainer connects to the
 * worker's sockets at `slurm.progressHost`. The run folder (the data dir) must be on a file
 * system the compute nodes share, at the same path. See docs/scale-out.md.
 *
 * @example
 * ```ts
 * const worker = await createWorker({
 *   dataDir: '/shared/trainwire',
 *   launcher: 'slurm',
 *   slurm: { partition: 'gpu', timeLimit: '12:00:00', gpusPerJob: 1, progressHost: '10.1.0.5',
 *            gpu: { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920 } },
 * });
 * ```
 */
export class SlurmLauncher implements TrainerLauncher {
  readonly kind = 'slurm';
  private readonly queue: SlurmQueue;

  constructor(private readonly options: SlurmLauncherOptions) {
    this.queue = new SlurmQueue(runSlurm, options.settings.pollIntervalMs);
  }

  async launch(request: LaunchRequest): Promise<LaunchedTrainer> {
    const { settings, modes } = this.options;
    const job = sbatchJob(settings, request);
    writeFileWithMode(job.scriptPath, job.script, modes);
    // sbatch exports its own environment to the job: the trainer's, without the worker's
    // secrets; SLURM_UMASK is the umask of the job (its output files too).
    const env = trainerEnvironment(process.env, request.env);
    if (request.umask !== undefined) env.SLURM_UMASK = request.umask.toString(8).padStart(4, '0');
    const out = await runSlurm('sbatch', job.args, env);
    if (out.missing) {
      throw new WorkerError(
        'spawn_failed',
        "sbatch was not found on the worker's host; install Slurm's client commands there (Debian: slurm-client) or set launcher: local",
      );
    }
    if (out.code !== 0) {
      throw new WorkerError(
        'spawn_failed',
        `Slurm did not take the job: ${slurmMessage(out)}; check slurm.partition, slurm.account, slurm.timeLimit, slurm.gpusPerJob and slurm.sbatchOptions in worker.yaml`,
        { details: { sbatch: job.args } },
      );
    }
    // `--parsable` prints "ID" or "ID;CLUSTER".
    const id = out.stdout.trim().split(';', 1)[0] ?? '';
    if (!/^\d+$/.test(id)) {
      throw new WorkerError(
        'spawn_failed',
        `sbatch answered "${out.stdout.trim().slice(0, 200)}" instead of a job id; is it Slurm's sbatch?`,
      );
    }
    return new SlurmTrainer(
      {
        run: runSlurm,
        queue: this.queue,
        stopGraceMs: this.options.stopGraceMs,
        modes,
        pollIntervalMs: settings.pollIntervalMs,
      },
      request,
      id,
      job.outputPaths(id),
    );
  }

  async endOrphan(runDir: string, jobId: string): Promise<string | undefined> {
    const file = slurmJobIdFile(runDir);
    let id: string;
    try {
      id = readFileSync(file, 'utf8').trim();
    } catch {
      return undefined;
    }
    rmSync(file, { force: true });
    if (!/^\d+$/.test(id)) return undefined;
    const first = await this.queue.query([id]);
    const report = typeof first === 'string' ? undefined : first.get(id);
    // Only a job that is still there, and is this job's (an id can be reused), is ended.
    if (!report?.known || report.job.name !== slurmJobName(jobId)) return undefined;
    if (phaseOf(report.job.state) === 'ended') return undefined;
    const out = await runSlurm('scancel', [id]);
    if (out.code !== 0) return `its Slurm job ${id} (could not be cancelled: ${slurmMessage(out)})`;
    const start = Date.now();
    while (Date.now() - start < ORPHAN_END_MS) {
      const now = await this.queue.query([id]);
      const job = typeof now === 'string' ? undefined : now.get(id);
      if (!job?.known || phaseOf(job.job.state) === 'ended') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return `its Slurm job ${id}`;
  }

  async close(): Promise<void> {
    this.queue.close();
  }
}
