import { z } from 'zod';
import { JobEventSchema } from '../schemas/JobEvent.js';
import { JobIdSchema } from '../schemas/JobId.js';
import { JobSpecSchema } from '../schemas/JobSpec.js';
import { JobStateSchema } from '../schemas/JobState.js';
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
    result: z.object({ jobId, state: JobStateSchema, lastSeq: z.number().int().nonnegative() }),
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
