import { isTrainwireError } from '../errors.js';
import { isWireErrorCode } from '../protocol/errorCodes.js';
import type { JobSpecInput } from '../schemas/JobSpec.js';
import type { Transport } from '../Transport.js';
import { ARTIFACT_CHECKS } from './conformanceArtifacts.js';
import {
  ConformanceContext,
  ConformanceFailure,
  type ConformanceSettings,
} from './conformanceContext.js';
import { EXPERIMENT_CHECKS } from './conformanceExperiments.js';
import { FILE_CHECKS } from './conformanceFiles.js';
import { FRAME_CHECKS } from './conformanceFrames.js';
import { JOB_CHECKS } from './conformanceJobs.js';
import { PIPELINE_CHECKS } from './conformancePipelines.js';

/** One check of the kit. */
export interface ConformanceCheck {
  /** Stable id (`job.attach`, `frames.version`), for `--json` and for reading a report. */
  id: string;
  /** What it checks, in a sentence. */
  title: string;
  /** Throws a `ConformanceFailure` (or any error) when the worker does not conform. */
  run(ctx: ConformanceContext): Promise<void>;
}

/** The outcome of one check. */
export interface ConformanceResult {
  id: string;
  title: string;
  passed: boolean;
  /** What went wrong, when it failed. */
  message?: string;
  /** How long it took, ms. */
  ms: number;
}

/** What {@link runWorkerConformance} found. */
export interface ConformanceReport {
  /** True when every check passed: the worker conforms. */
  ok: boolean;
  /** The worker's name and versions, as `worker.info` said (absent when it did not answer). */
  worker?: { name: string; versions: Record<string, string> };
  results: ConformanceResult[];
}

/** How {@link runWorkerConformance} runs. */
export interface WorkerConformanceOptions {
  /**
   * A job the worker completes within `jobTimeoutMs` and that registers at least one
   * artifact. Default: a few epochs of trainwire's built-in trainer on synthetic data.
   */
  job?: JobSpecInput;
  /**
   * A config of the job's profile the worker must refuse with `config_invalid`. Default:
   * one trainwire's built-in profile refuses, when `job` is the default; else not checked.
   */
  invalidConfig?: Record<string, unknown>;
  /** How long one request may take, ms (10 000). */
  requestTimeoutMs?: number;
  /** How long the job may take, ms (120 000). */
  jobTimeoutMs?: number;
  /** Only the checks with these ids (a check that needs the job fails without `job.start`). */
  only?: readonly string[];
}

/** A job of trainwire's built-in trainer that ends in seconds on two cores. */
export const CONFORMANCE_JOB: JobSpecInput = {
  profile: 'builtin',
  name: 'conformance',
  config: {
    epochs: 2,
    batchSize: 64,
    hiddenLayers: [8],
    dataset: { synthetic: { samples: 300, features: 2, classes: 2 } },
  },
};

/** Every check, in the order it runs (later ones use the job and upload of earlier ones). */
export const WORKER_CHECKS: readonly ConformanceCheck[] = [
  ...FRAME_CHECKS,
  ...JOB_CHECKS,
  ...EXPERIMENT_CHECKS,
  ...ARTIFACT_CHECKS,
  ...PIPELINE_CHECKS,
  ...FILE_CHECKS,
  {
    id: 'errors.documented',
    title:
      'every error code the worker answered is one docs/protocol.md lists (no errno, no private code)',
    async run(ctx) {
      const undocumented = [...ctx.codes].filter((code) => !isWireErrorCode(code));
      if (undocumented.length > 0)
        throw new ConformanceFailure(`undocumented codes on the wire: ${undocumented.join(', ')}`);
    },
  },
  {
    id: 'frames.still-serving',
    title:
      'after all of that the worker still answers, and the kit counted no unreadable frame from it',
    async run(ctx) {
      await ctx.call('worker.info', {});
      if (ctx.peer.stats.malformed > 0)
        throw new ConformanceFailure(
          `${ctx.peer.stats.malformed} frame(s) from the worker did not match the protocol`,
        );
    },
  },
];

/**
 * Runs the protocol conformance kit against the worker at the other end of `transport`
 * (open, or opening): every method, the error codes, ordering, paging, downloads and
 * uploads with hashes, malformed frames and version negotiation. It starts one short job
 * and uploads a few small files. Never throws for a failed check: each is in the report.
 *
 * @example
 * ```ts
 * const report = await runWorkerConformance(transport);
 * for (const r of report.results) console.log(r.passed ? 'ok  ' : 'FAIL', r.title, r.message ?? '');
 * process.exitCode = report.ok ? 0 : 1;
 * ```
 */
export async function runWorkerConformance(
  transport: Transport,
  options: WorkerConformanceOptions = {},
): Promise<ConformanceReport> {
  const settings: ConformanceSettings = {
    job: options.job ?? CONFORMANCE_JOB,
    invalidConfig: options.invalidConfig ?? (options.job === undefined ? { epochs: 0 } : undefined),
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    jobTimeoutMs: options.jobTimeoutMs ?? 120_000,
  };
  const ctx = new ConformanceContext(transport, settings);
  const checks =
    options.only === undefined
      ? WORKER_CHECKS
      : WORKER_CHECKS.filter((check) => options.only!.includes(check.id));
  const results: ConformanceResult[] = [];
  let worker: ConformanceReport['worker'];
  try {
    const info = await ctx.call('worker.info', {}).catch(() => undefined);
    if (info) worker = { name: info.name, versions: info.versions };
    for (const check of checks) results.push(await runCheck(check, () => check.run(ctx)));
  } finally {
    ctx.dispose();
  }
  return {
    ok: results.length > 0 && results.every((r) => r.passed),
    ...(worker === undefined ? {} : { worker }),
    results,
  };
}

/** Runs one check (`run`), timing it; a failure is the result's message, never a throw. */
export async function runCheck(
  check: { id: string; title: string },
  run: () => Promise<void>,
): Promise<ConformanceResult> {
  const started = Date.now();
  try {
    await run();
    return { id: check.id, title: check.title, passed: true, ms: Date.now() - started };
  } catch (error) {
    const message =
      error instanceof ConformanceFailure
        ? error.message
        : isTrainwireError(error)
          ? `${error.code}: ${error.message}`
          : String(error);
    return { id: check.id, title: check.title, passed: false, message, ms: Date.now() - started };
  }
}

/**
 * The report as a person reads it: one line per check, then the verdict.
 *
 * @example
 * ```ts
 * process.stdout.write(formatConformanceReport(await runWorkerConformance(transport)));
 * ```
 */
export function formatConformanceReport(report: ConformanceReport): string {
  const lines = report.results.map(
    (r) =>
      `${r.passed ? 'pass' : 'FAIL'}  ${r.id.padEnd(24)} ${r.title}${r.message ? `\n      ${r.message}` : ''}`,
  );
  const failed = report.results.filter((r) => !r.passed).length;
  const who = report.worker ? `worker ${report.worker.name}` : 'the worker';
  lines.push(
    report.ok
      ? `${who} conforms to protocol v1: ${report.results.length} checks passed`
      : `${who} does not conform: ${failed} of ${report.results.length} checks failed`,
  );
  return `${lines.join('\n')}\n`;
}
