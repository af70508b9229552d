import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseConfigText, parseOrThrow } from '@trainwire/core';
import { z } from 'zod';
import { WorkerError } from '../errors.js';
import {
  isKnownPlaceholder,
  placeholdersIn,
  TRAINER_PLACEHOLDERS,
} from '../runner/buildTrainerCommand.js';
import { SlurmSettingsSchema } from './SlurmSettings.js';

/** Mounts the worker adds for its own folders in `dataDir`; a configured mount may not take these names. */
export const WORKER_MOUNT_NAMES = ['uploads', 'datasets', 'runs'] as const;

const KNOWN_PLACEHOLDERS = [...TRAINER_PLACEHOLDERS, 'input.ROLE'].map((n) => `{${n}}`).join(', ');

/** A folder clients may reach, by name. */
export const MountSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'mount name may use letters, digits, ".", "_" and "-"'),
    path: z.string().min(1).max(4096),
    readOnly: z.boolean().default(true),
  })
  .strict();

/**
 * A trainer the operator allows: the command line is a template (see
 * {@link buildTrainerCommand} for placeholders); clients only choose the profile id.
 */
export const TrainerProfileSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9._-]+$/, 'profile id may use letters, digits, ".", "_" and "-"'),
    description: z.string().max(1024).optional(),
    command: z.array(z.string().max(4096)).min(1, 'command must name a program'),
    /** Config-validation profile (core) the client's config must pass. Defaults to `id`. */
    configProfile: z.string().min(1).max(128).optional(),
    /** How the job's config file is written for the trainer. */
    configFormat: z.enum(['json', 'yaml']).default('json'),
    env: z.record(z.string(), z.string()).default({}),
    /** Working directory; defaults to the job's run directory. */
    cwd: z.string().optional(),
    /**
     * A command that says whether the trainer can run here (exit 0: ready), run by
     * `worker.readiness`; each element one argument, no placeholders. The `pytorch`
     * profile's is `train.py --self-check`.
     */
    selfCheck: z.array(z.string().min(1).max(4096)).min(1).optional(),
    /**
     * The command of a predict job (`JobSpec.predict`), with the same placeholders plus
     * `{model}`, `{modelDir}` and `{predictions}`; a profile without one cannot predict.
     */
    predictCommand: z
      .array(z.string().max(4096))
      .min(1, 'predictCommand must name a program')
      .optional(),
    /** The name of the predictions file a predict job writes in its run folder (`predictions.jsonl`). */
    predictionsFile: z
      .string()
      .regex(
        /^[A-Za-z0-9._-]+$/,
        'predictionsFile is a file name: letters, digits, ".", "_" and "-"',
      )
      .optional(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    const templates = [
      ...profile.command.map((template, index) => ['command', index, template] as const),
      ...(profile.predictCommand ?? []).map(
        (template, index) => ['predictCommand', index, template] as const,
      ),
    ];
    templates.forEach(([field, index, template]) => {
      for (const name of placeholdersIn(template)) {
        if (isKnownPlaceholder(name)) continue;
        ctx.addIssue({
          code: 'custom',
          path: [field, index],
          message: `trainer profile "${profile.id}" uses an unknown placeholder {${name}}; use one of ${KNOWN_PLACEHOLDERS} (see docs/trainers.md)`,
        });
      }
    });
  });

/** The worker's config file (YAML or JSON). */
export const WorkerConfigSchema = z
  .object({
    id: z.string().min(1).max(128).optional(),
    name: z.string().min(1).max(128).optional(),
    /** Where the store, runs, checkpoints and uploads live. */
    dataDir: z.string().min(1),
    maxConcurrentJobs: z.number().int().min(1).max(64).default(1),
    /** Never offer a GPU, even when one is detected. */
    cpuOnly: z.boolean().default(false),
    mounts: z.array(MountSchema).default([]),
    profiles: z.array(TrainerProfileSchema).default([]),
    /** Offer the `builtin`, `generate-dataset`, `pytorch` and `sleap-nn` profiles. */
    builtinProfiles: z.boolean().default(true),
    /** After a stop command, how long before SIGINT. */
    stopGraceMs: z.number().int().nonnegative().default(30_000),
    /** After SIGTERM on cancel, how long before SIGKILL. */
    cancelGraceMs: z.number().int().nonnegative().default(5_000),
    tags: z.array(z.string().max(64)).default([]),
    /**
     * Who may read what the worker keeps in `dataDir` (the store, uploads, run configs,
     * checkpoints, and what trainers write): `private` — its user only, 0600 files in
     * 0700 folders; `group` — its group too, 0640 / 0750, for a lab that shares one.
     */
    fileMode: z.enum(['private', 'group']).default('private'),
    /**
     * Free space the data dir must keep: a job is refused (`no_space`) below it, and so is
     * an upload that would leave less. 64 MiB by default.
     */
    minFreeBytes: z
      .number()
      .int()
      .nonnegative()
      .default(64 * 1024 * 1024),
    /**
     * How trainers are started: `local` — a child process of the worker in its own process
     * group (the default); `slurm` — one Slurm job each, submitted with `sbatch` as the
     * `slurm` settings say (docs/scale-out.md).
     */
    launcher: z.enum(['local', 'slurm']).default('local'),
    /** Settings of the `slurm` launcher (partition, account, time limit, GPUs, sbatch options). */
    slurm: SlurmSettingsSchema.optional(),
    /** How long `worker.readiness` keeps its answer before it checks again, ms (5 min). */
    readinessTtlMs: z
      .number()
      .int()
      .nonnegative()
      .default(5 * 60_000),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.launcher !== 'slurm' && config.slurm !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['slurm'],
        message:
          'slurm settings are given but the launcher is local; add "launcher: slurm" (or pass --launcher slurm), or remove the slurm section',
      });
    }
    if (config.launcher === 'slurm' && config.cpuOnly && (config.slurm?.gpusPerJob ?? 0) > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['slurm', 'gpusPerJob'],
        message: `the worker is CPU-only (cpuOnly), so its jobs get no GPU; set slurm.gpusPerJob to 0 or remove cpuOnly`,
      });
    }
    const seen = new Set<string>();
    config.mounts.forEach((mount, index) => {
      const path = ['mounts', index, 'name'];
      if ((WORKER_MOUNT_NAMES as readonly string[]).includes(mount.name)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `mount name "${mount.name}" is reserved for the worker's own folder; rename it (${WORKER_MOUNT_NAMES.join(', ')} are taken)`,
        });
      } else if (seen.has(mount.name)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `mount name "${mount.name}" is used twice; give each mount its own name`,
        });
      }
      seen.add(mount.name);
    });
  });

/** A mount. */
export type Mount = z.infer<typeof MountSchema>;
/** A trainer profile. */
export type TrainerProfile = z.infer<typeof TrainerProfileSchema>;
/** A trainer profile as written in a config file. */
export type TrainerProfileInput = z.input<typeof TrainerProfileSchema>;
/** A validated worker config. */
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;
/** A worker config as written (defaults not applied). */
export type WorkerConfigInput = z.input<typeof WorkerConfigSchema>;

/**
 * Reads a worker config file (YAML or JSON) as written — validation comes later, so a
 * caller may complete it (the CLI adds `--data-dir`, `--mount`). Relative `dataDir` and
 * mount paths are taken from the file's folder. Errors name the file, and the line of a
 * syntax error.
 */
export function readWorkerConfigFile(path: string): Partial<WorkerConfigInput> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new WorkerError('config_invalid', `cannot read worker config ${path}; check the path`, {
      cause: error,
    });
  }
  let raw: Record<string, unknown>;
  try {
    raw = parseConfigText(text, `worker config ${path}`);
  } catch (error) {
    throw new WorkerError('config_invalid', (error as Error).message, { cause: error });
  }
  const base = dirname(resolve(path));
  const config = { ...raw } as Partial<WorkerConfigInput> & Record<string, unknown>;
  if (typeof raw.dataDir === 'string') config.dataDir = resolve(base, raw.dataDir);
  if (Array.isArray(raw.mounts)) {
    config.mounts = raw.mounts.map((mount: unknown) =>
      typeof mount === 'object' &&
      mount !== null &&
      typeof (mount as { path?: unknown }).path === 'string'
        ? { ...mount, path: resolve(base, (mount as { path: string }).path) }
        : mount,
    ) as WorkerConfigInput['mounts'];
  }
  return config;
}

/**
 * Reads and validates a worker config file; relative paths in it are taken from the file's
 * folder. Throws a `ValidationError` that names each bad field.
 *
 * @example
 * ```ts
 * const config = loadWorkerConfig('/etc/trainwire/worker.yaml');
 * const worker = await createWorker(config);
 * ```
 */
export function loadWorkerConfig(path: string): WorkerConfig {
  return parseOrThrow(WorkerConfigSchema, readWorkerConfigFile(path), `worker config ${path}`);
}
