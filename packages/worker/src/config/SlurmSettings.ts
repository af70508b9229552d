import { z } from 'zod';

/**
 * Options trainwire sets itself on every `sbatch`: an operator's `sbatchOptions` may not
 * name them (each maps to the field that sets it, or to nothing an operator may change).
 */
const MANAGED_OPTIONS: Record<string, string> = {
  '--job-name': 'trainwire names each job trainwire-JOB_ID',
  '--output': "the trainer's output goes to the job's run folder, where the worker reads it",
  '--error': "the trainer's output goes to the job's run folder, where the worker reads it",
  '--open-mode': "the trainer's output goes to the job's run folder, where the worker reads it",
  '--chdir': "the trainer runs in its profile's cwd (the job's run folder by default)",
  '--parsable': 'the worker reads the job id from sbatch',
  '--wrap': 'the worker writes the batch script',
  '--export': "the trainer's environment is the trainer contract's (docs/trainers.md)",
  '--wait': 'the worker follows the job with squeue',
  '--array': 'one trainwire job is one Slurm job',
  '--partition': 'set slurm.partition instead',
  '--account': 'set slurm.account instead',
  '--time': 'set slurm.timeLimit instead',
  '--gres': 'set slurm.gpusPerJob (and slurm.gpuType) instead',
  '--gpus': 'set slurm.gpusPerJob (and slurm.gpuType) instead',
  '--requeue': 'a trainwire job runs once: a requeued one would train twice into the same folder',
};

/** A Slurm time: `MINUTES`, `MINUTES:SECONDS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`. */
const SLURM_TIME = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}(:\d{1,2}){0,2})$/;
/** A Slurm name (partition, account, GPU type). */
const SLURM_NAME = /^[A-Za-z0-9._-]+$/;
/** An option in its long form, one argument: `--qos=normal`, `--exclusive`. */
const LONG_OPTION = /^--[A-Za-z][A-Za-z0-9-]*(=.*)?$/;

/**
 * How the `slurm` launcher submits trainers (`launcher: slurm` in `worker.yaml`): each job
 * is one `sbatch` of a script the worker writes into the job's run folder.
 */
export const SlurmSettingsSchema = z
  .object({
    /** `--partition`; the cluster's default partition when absent. */
    partition: z
      .string()
      .max(128)
      .regex(SLURM_NAME, 'a Slurm partition name, e.g. "gpu" (letters, digits, ".", "_", "-")')
      .optional(),
    /** `--account` to charge; the user's default account when absent. */
    account: z
      .string()
      .max(128)
      .regex(SLURM_NAME, 'a Slurm account name, e.g. "lab-smith" (letters, digits, ".", "_", "-")')
      .optional(),
    /** `--time`: how long a job may run; the partition's default when absent. */
    timeLimit: z
      .string()
      .regex(
        SLURM_TIME,
        'a Slurm time limit: "MINUTES", "HH:MM:SS" or "DAYS-HH:MM:SS", e.g. "12:00:00" or "2-00:00:00"',
      )
      .optional(),
    /** GPUs each job asks for (`--gres=gpu:N`) when its device is the GPU; 0 for CPU-only jobs. */
    gpusPerJob: z.number().int().min(0).max(64).default(0),
    /** A GPU type the cluster's gres.conf names (`--gres=gpu:TYPE:N`), e.g. "a100". */
    gpuType: z
      .string()
      .max(64)
      .regex(SLURM_NAME, 'a GPU type as gres.conf names it, e.g. "a100"')
      .optional(),
    /**
     * The GPU a job gets, as clients are told (`worker.info`): the worker itself runs on a
     * login or service node that has none. Needed when `gpusPerJob` is above 0.
     */
    gpu: z
      .object({
        name: z.string().min(1).max(256),
        memoryMiB: z.number().int().positive(),
      })
      .strict()
      .optional(),
    /** Further `sbatch` options, long form, one argument each: `["--qos=normal", "--constraint=a100"]`. */
    sbatchOptions: z.array(z.string().min(1).max(1024)).max(64).default([]),
    /**
     * The IP address of this host that compute nodes reach: the worker binds each job's
     * ZeroMQ sockets there and tells the trainer to connect to it. Loopback (the default)
     * serves only trainers on this same node.
     */
    progressHost: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9.\-:[\]]+$/, 'an IP address of this host, e.g. 10.1.0.5')
      .default('127.0.0.1'),
    /** How often the worker asks Slurm (one `squeue` for all its jobs) how they stand. */
    pollIntervalMs: z.number().int().min(200).max(600_000).default(2_000),
  })
  .strict()
  .superRefine((settings, ctx) => {
    settings.sbatchOptions.forEach((option, index) => {
      const path = ['sbatchOptions', index];
      if (!LONG_OPTION.test(option)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `"${option}" is not an sbatch option in its long form; write one argument each, e.g. "--qos=normal" (not "--qos normal" or "-q normal")`,
        });
        return;
      }
      if (/[\r\n]/.test(option)) {
        ctx.addIssue({ code: 'custom', path, message: 'an sbatch option is one line' });
        return;
      }
      const name = option.split('=', 1)[0]!;
      const why = MANAGED_OPTIONS[name];
      if (why !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `"${name}" is set by trainwire on every job (${why}); remove it from sbatchOptions`,
        });
      }
    });
    if (['0.0.0.0', '::', '[::]', '*'].includes(settings.progressHost)) {
      ctx.addIssue({
        code: 'custom',
        path: ['progressHost'],
        message: `"${settings.progressHost}" is not an address a trainer can connect to; name one IP address of this host that the compute nodes reach, e.g. 10.1.0.5`,
      });
    }
    if (settings.gpusPerJob > 0 && settings.gpu === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['gpu'],
        message: `gpusPerJob is ${settings.gpusPerJob}, so clients need to know which GPU a job gets: add gpu: { name: "NVIDIA A100-SXM4-80GB", memoryMiB: 81920 }`,
      });
    }
    if (settings.gpusPerJob === 0 && settings.gpuType !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['gpuType'],
        message: 'gpuType is set but gpusPerJob is 0 (jobs ask for no GPU); set gpusPerJob too',
      });
    }
  });

/** Settings of the `slurm` launcher. */
export type SlurmSettings = z.infer<typeof SlurmSettingsSchema>;
/** Settings of the `slurm` launcher as written in `worker.yaml`. */
export type SlurmSettingsInput = z.input<typeof SlurmSettingsSchema>;
