import { z } from 'zod';
import { ArtifactKindSchema, ArtifactSchema } from '../schemas/Artifact.js';
import {
  ExperimentIdSchema,
  ExperimentSchema,
  ExperimentStatusSchema,
  ExperimentTagSchema,
  ModelNameSchema,
  ModelRefSchema,
  ModelVersionSchema,
  RegisteredModelNameSchema,
} from '../schemas/Experiment.js';
import { JobEventSchema } from '../schemas/JobEvent.js';
import { JobIdSchema } from '../schemas/JobId.js';
import { JobSpecSchema } from '../schemas/JobSpec.js';
import { JobStateSchema } from '../schemas/JobState.js';
import { TrainingPresetSchema } from '../schemas/Preset.js';
import { WorkerReadinessSchema } from '../schemas/Readiness.js';
import { WorkerInfoSchema } from '../schemas/WorkerInfo.js';

const jobId = JobIdSchema;
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits');
const path = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path must not contain NUL bytes');

/** A job as listed by `job.list`. */
/** Who started a job: the credential of the link that sent `job.start` (absent for a local job). */
export const JobOwnerSchema = z.object({
  credentialId: z.string().min(1).max(128),
  /** The peer's name when it started the job (for display; the id decides). */
  name: z.string().max(128).optional(),
});

/** Who started a job; see {@link JobOwnerSchema}. */
export type JobOwner = z.infer<typeof JobOwnerSchema>;

export const JobSummarySchema = z.object({
  jobId,
  name: z.string().optional(),
  profile: z.string(),
  state: JobStateSchema,
  createdAt: z.number(),
  endedAt: z.number().optional(),
  lastSeq: z.number().int().nonnegative(),
  owner: JobOwnerSchema.optional(),
});

/** One node of `experiment.lineage`: an experiment with how it derives from its parent. */
export const LineageNodeSchema = ExperimentSchema.pick({
  id: true,
  name: true,
  status: true,
  parentId: true,
  relation: true,
  checkpointSource: true,
  sourceModel: true,
  createdAt: true,
});

const experimentId = ExperimentIdSchema;
const tags = z.array(ExperimentTagSchema).max(64);
const config = z.record(z.string(), z.unknown());
const version = z.number().int().positive();
const experimentResult = z.object({ experiment: ExperimentSchema });
const artifactId = z.string().min(1).max(128);
const offset = z.number().int().nonnegative().default(0);
const pageLimit = z.number().int().min(1).max(500).default(50);
const jobStarted = z.object({
  jobId,
  state: JobStateSchema,
  lastSeq: z.number().int().nonnegative(),
});

/**
 * A file name an artifact may be renamed to: one path segment of letters, digits, `.`,
 * `_` and `-` (not `.` or `..`).
 */
export const ArtifactFileNameSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._-]+$/, 'an artifact name is letters, digits, ".", "_" and "-"')
  .refine((name) => name !== '.' && name !== '..', 'an artifact name is not "." or ".."');

/** The name of a dataset `dataset.generate` writes (`<dataDir>/datasets/<name>.<format>`). */
export const DatasetNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._-]+$/, 'a dataset name is letters, digits, ".", "_" and "-"');

/** What a worker found at one path. */
export const PathCheckSchema = z.object({
  path,
  exists: z.boolean(),
  size: z.number().int().nonnegative().optional(),
  sha256: sha256.optional(),
  /** Why the path cannot be used (outside every mount, not a file, …). */
  denied: z.string().optional(),
  /** Files of the same name found under the mounts, when asked for. */
  candidates: z.array(z.object({ path, size: z.number().int().nonnegative() })).optional(),
});

/**
 * Every method a worker serves: params and result schemas. Every method is idempotent
 * (a job id is chosen by the client), so a client may retry any request after a timeout.
 */
export const METHODS = {
  'worker.info': { params: z.object({}).strict(), result: WorkerInfoSchema },
  'job.start': {
    params: z.object({ jobId, spec: JobSpecSchema }).strict(),
    result: jobStarted,
  },
  'job.attach': {
    /**
     * `afterSeq`: the last `seq` the caller holds. The worker then pushes every event after
     * it, in order, and the live ones after those; without it, only the live ones (fetch
     * history with `job.events`).
     */
    params: z.object({ jobId, afterSeq: z.number().int().nonnegative().optional() }).strict(),
    /** Subscribes the caller to the job's events. */
    result: z.object({
      jobId,
      spec: JobSpecSchema,
      state: JobStateSchema,
      lastSeq: z.number().int().nonnegative(),
      owner: JobOwnerSchema.optional(),
    }),
  },
  'job.events': {
    params: z
      .object({
        jobId,
        afterSeq: z.number().int().nonnegative(),
        untilSeq: z.number().int().positive().optional(),
      })
      .strict(),
    /** As many events as fit one message; `more` is true when the range goes on. */
    result: z.object({ events: z.array(JobEventSchema), more: z.boolean() }),
  },
  'job.stop': { params: z.object({ jobId }).strict(), result: z.object({ state: JobStateSchema }) },
  'job.cancel': {
    params: z.object({ jobId }).strict(),
    result: z.object({ state: JobStateSchema }),
  },
  'job.list': {
    params: z.object({}).strict(),
    result: z.object({ jobs: z.array(JobSummarySchema) }),
  },
  'paths.check': {
    params: z
      .object({
        paths: z.array(path).max(1000),
        sha256: z.boolean().default(false),
        findCandidates: z.boolean().default(false),
      })
      .strict(),
    result: z.object({ results: z.array(PathCheckSchema) }),
  },
  'mounts.list': {
    params: z.object({}).strict(),
    result: z.object({
      mounts: z.array(z.object({ name: z.string(), path, readOnly: z.boolean() })),
    }),
  },
  'paths.list': {
    params: z
      .object({
        path,
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    /** One page of a folder on the worker; `more` when entries follow. */
    result: z.object({
      entries: z.array(
        z.object({
          name: z.string(),
          path,
          kind: z.enum(['file', 'directory', 'other']),
          size: z.number().int().nonnegative(),
        }),
      ),
      total: z.number().int().nonnegative(),
      more: z.boolean(),
    }),
  },
  'paths.find': {
    params: z
      .object({
        name: z.string().min(1).max(255),
        maxDepth: z.number().int().min(0).max(32).optional(),
        maxResults: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    /** Files of that name under the worker's mounts (bounded in depth, count and time). */
    result: z.object({
      results: z.array(z.object({ path, size: z.number().int().nonnegative() })),
    }),
  },
  'file.download': {
    params: z
      .object({
        /** A file on the worker inside its mounts (an artifact's path). */
        path,
        /** Bytes the client already holds (a resumed download). */
        offset: z.number().int().nonnegative().default(0),
        /** The byte stream's id: the client subscribes to it before asking. */
        transferId: z.string().min(1).max(64),
      })
      .strict(),
    /** Sent once the byte stream is open; its bytes follow on that stream. */
    result: z.object({
      transferId: z.string().min(1).max(64),
      name: z.string(),
      size: z.number().int().nonnegative(),
      sha256,
      offset: z.number().int().nonnegative(),
    }),
  },
  'upload.begin': {
    params: z
      .object({
        name: z.string().min(1).max(255),
        size: z.number().int().nonnegative(),
        sha256,
      })
      .strict(),
    result: z.discriminatedUnion('have', [
      z.object({ have: z.literal(true), path }),
      z.object({
        have: z.literal(false),
        transferId: z.string().min(1).max(64),
        /** Bytes the worker already holds (a resumed upload). */
        offset: z.number().int().nonnegative(),
      }),
    ]),
  },
  'upload.finish': {
    params: z.object({ transferId: z.string().min(1).max(64) }).strict(),
    result: z.object({ path }),
  },
  'experiment.list': {
    /** Newest first; `name` matches a part of the name, case-insensitively. */
    params: z
      .object({
        status: ExperimentStatusSchema.optional(),
        tag: ExperimentTagSchema.optional(),
        name: z.string().min(1).max(200).optional(),
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    /** `total`: how many match; `nextOffset`: where the next page starts, absent on the last. */
    result: z.object({
      experiments: z.array(ExperimentSchema),
      total: z.number().int().nonnegative(),
      nextOffset: z.number().int().nonnegative().optional(),
    }),
  },
  'experiment.get': {
    params: z.object({ experimentId }).strict(),
    /** The experiment, its artifacts (oldest first) and its jobs (oldest first). */
    result: z.object({
      experiment: ExperimentSchema,
      artifacts: z.array(ArtifactSchema),
      jobIds: z.array(jobId),
    }),
  },
  'artifact.list': {
    /** Newest first; `experimentId` and `kind` narrow it. */
    params: z
      .object({
        experimentId: experimentId.optional(),
        kind: ArtifactKindSchema.optional(),
        offset,
        limit: pageLimit,
      })
      .strict(),
    /** `total`: how many match; `nextOffset`: where the next page starts, absent on the last. */
    result: z.object({
      artifacts: z.array(ArtifactSchema),
      total: z.number().int().nonnegative(),
      nextOffset: z.number().int().nonnegative().optional(),
    }),
  },
  'artifact.get': {
    params: z.object({ artifactId }).strict(),
    /** The artifact and the registered model versions whose file it is. */
    result: z.object({
      artifact: ArtifactSchema,
      models: z.array(ModelRefSchema.extend({ active: z.boolean() })),
    }),
  },
  'artifact.rename': {
    /**
     * Renames the artifact's file inside its folder on the worker (only files in the
     * worker's data dir); every record of that file follows. Refused for an existing
     * target (`name_taken`) and while a running job uses it (`artifact_in_use`).
     */
    params: z.object({ artifactId, name: ArtifactFileNameSchema }).strict(),
    result: z.object({ artifact: ArtifactSchema }),
  },
  'artifact.delete': {
    /**
     * Forgets the artifact, and removes its file when it is in the worker's data dir and no
     * other record names it. Refused (`artifact_in_use`) for a registered model version,
     * the active model, a model a running fine-tune starts from, and a checkpoint a running
     * job resumes from.
     */
    params: z.object({ artifactId }).strict(),
    result: z.object({ artifactId, fileDeleted: z.boolean() }),
  },
  'preset.list': {
    /**
     * The presets of a trainer profile (`quick`, `standard`, `epic`), each with its full
     * config and the time it is expected to take on this worker. `dataset`: the dataset
     * file the job would train on (its size replaces the presets' synthetic samples).
     */
    params: z.object({ profile: z.string().min(1).max(128), dataset: path.optional() }).strict(),
    /** Empty `presets` for a profile that has none. */
    result: z.object({ profile: z.string(), presets: z.array(TrainingPresetSchema) }),
  },
  'worker.readiness': {
    /** `refresh`: check again now instead of answering the cached result. */
    params: z.object({ refresh: z.boolean().default(false) }).strict(),
    result: WorkerReadinessSchema,
  },
  'dataset.generate': {
    /**
     * Starts a job (`jobId`, profile `generate-dataset`) that writes a synthetic dataset,
     * registered as a `dataset` artifact of the job's experiment. An existing dataset of
     * that name is refused (`dataset_exists`) unless `overwrite`. Subscribes the caller to
     * the job's events, like `job.start`.
     */
    params: z
      .object({
        jobId,
        name: DatasetNameSchema,
        samples: z.number().int().min(10).max(10_000_000).default(1000),
        /** 0: clean, well-separated classes; 1: heavily overlapping ones. */
        diversity: z.number().min(0).max(1).default(0.1),
        seed: z.number().int().default(7),
        features: z.number().int().min(1).max(1024).default(2),
        classes: z.number().int().min(2).max(1024).default(3),
        format: z.enum(['csv', 'jsonl']).default('csv'),
        overwrite: z.boolean().default(false),
        experimentId: experimentId.optional(),
      })
      .strict(),
    result: jobStarted,
  },
  'experiment.create': {
    /** Idempotent: the same id with the same fields answers the existing experiment. */
    params: z
      .object({
        experimentId,
        name: z.string().min(1).max(200),
        preset: z.string().min(1).max(128).optional(),
        config: config.default({}),
        tags: tags.default([]),
      })
      .strict(),
    result: experimentResult,
  },
  'experiment.rename': {
    params: z.object({ experimentId, name: z.string().min(1).max(200) }).strict(),
    result: experimentResult,
  },
  'experiment.tag': {
    /** Adds `add`, then removes `remove`; tags stay unique and sorted. */
    params: z.object({ experimentId, add: tags.default([]), remove: tags.default([]) }).strict(),
    result: experimentResult,
  },
  'experiment.delete': {
    /**
     * Removes the experiment and its job records. Its artifacts stay on disk, unlinked,
     * unless `withArtifacts`; refused while a job of it runs, while experiments derive
     * from it, and (with `withArtifacts`) while a registered model is one of its artifacts.
     */
    params: z.object({ experimentId, withArtifacts: z.boolean().default(false) }).strict(),
    result: z.object({
      experimentId,
      jobsDeleted: z.number().int().nonnegative(),
      artifactsDeleted: z.number().int().nonnegative(),
    }),
  },
  'experiment.continue': {
    /**
     * Creates `experimentId`, a child of `parentId` that starts from one of its checkpoints
     * (`checkpointId`, an artifact id; by default its last checkpoint). Start it with a
     * `job.start` whose spec names it (`experimentId`) and resumes from that checkpoint.
     */
    params: z
      .object({
        experimentId,
        parentId: experimentId,
        checkpointId: z.string().min(1).max(128).optional(),
        name: z.string().min(1).max(200).optional(),
        config: config.optional(),
      })
      .strict(),
    result: experimentResult,
  },
  'experiment.retry': {
    /** Creates `experimentId`, a retry of the failed (or cancelled) experiment `of`, with its config. */
    params: z
      .object({ experimentId, of: experimentId, name: z.string().min(1).max(200).optional() })
      .strict(),
    result: experimentResult,
  },
  'experiment.lineage': {
    /** The whole tree `experimentId` belongs to: its root and every descendant of the root. */
    params: z.object({ experimentId }).strict(),
    /** `nodes` are in creation order; each names its `parentId` (none: the root). */
    result: z.object({ rootId: experimentId, nodes: z.array(LineageNodeSchema) }),
  },
  'model.register': {
    /**
     * Registers a model artifact of a completed experiment as the next version of `name`
     * (by default its last `model` artifact, else its last checkpoint). Idempotent: the same
     * artifact under the same name answers the version it already is.
     */
    params: z
      .object({
        name: ModelNameSchema,
        experimentId,
        artifactId: z.string().min(1).max(128).optional(),
        activate: z.boolean().default(false),
      })
      .strict(),
    result: z.object({ model: ModelVersionSchema }),
  },
  'model.list': {
    /** Every version of `name` (or of every model), by name, newest version first. */
    params: z.object({ name: RegisteredModelNameSchema.optional() }).strict(),
    result: z.object({ models: z.array(ModelVersionSchema) }),
  },
  'model.activate': {
    /** Makes `version` the active version of `name`; subscribers get `model.activated`. */
    params: z.object({ name: RegisteredModelNameSchema, version }).strict(),
    result: z.object({ model: ModelVersionSchema }),
  },
  'model.delete': {
    /**
     * Removes a version from the registry (its file stays); refused for the active one
     * (`model_active`) and while a running fine-tune starts from it (`model_in_use`).
     */
    params: z.object({ name: RegisteredModelNameSchema, version }).strict(),
    result: z.object({ name: RegisteredModelNameSchema, version }),
  },
  'model.subscribe': {
    /** Subscribes the connection to `notice` frames (`model.activated`); answers the active versions. */
    params: z.object({}).strict(),
    result: z.object({ active: z.array(ModelVersionSchema) }),
  },
} as const;

/** The methods a worker serves. */
export type MethodName = keyof typeof METHODS;
/** Params of a method, as a caller writes them. */
export type MethodParams<M extends MethodName> = z.input<(typeof METHODS)[M]['params']>;
/** Params of a method after validation. */
export type ParsedParams<M extends MethodName> = z.output<(typeof METHODS)[M]['params']>;
/** Result of a method. */
export type MethodResult<M extends MethodName> = z.output<(typeof METHODS)[M]['result']>;
/** A job as listed by `job.list`. */
export type JobSummary = z.infer<typeof JobSummarySchema>;
/** One node of `experiment.lineage`. */
export type LineageNode = z.infer<typeof LineageNodeSchema>;
/** What a worker found at one path. */
export type PathCheck = z.infer<typeof PathCheckSchema>;

/** What a handler knows about the request it serves. */
export interface RequestContext {
  /** The connection the request came on (to push events to it). */
  readonly peer: import('./RpcPeer.js').RpcPeer;
  /** Largest result, in UTF-8 bytes, that still fits one message. */
  readonly maxResultBytes: number;
}

/** Handlers a worker registers, one per method. */
export type MethodHandlers = {
  [M in MethodName]?: (
    params: ParsedParams<M>,
    context: RequestContext,
  ) => Promise<MethodResult<M>> | MethodResult<M>;
};

/** A job record as `job.list` shows it. */
export function toJobSummary(job: {
  jobId: string;
  spec: { profile: string; name?: string | undefined };
  state: JobSummary['state'];
  createdAt: number;
  endedAt?: number | undefined;
  lastSeq: number;
  owner?: JobOwner | undefined;
}): JobSummary {
  const summary: JobSummary = {
    jobId: job.jobId,
    profile: job.spec.profile,
    state: job.state,
    createdAt: job.createdAt,
    lastSeq: job.lastSeq,
  };
  if (job.spec.name !== undefined) summary.name = job.spec.name;
  if (job.endedAt !== undefined) summary.endedAt = job.endedAt;
  if (job.owner !== undefined) summary.owner = job.owner;
  return summary;
}

/** True when `name` is a method of the protocol. */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}
