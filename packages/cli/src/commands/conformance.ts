import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { intFlag, type ParsedArgs, stringFlag } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { connectOptions } from '../internal/withManager.js';

/**
 * `trainwire conformance --worker NAME`: runs core's protocol conformance kit against the
 * worker over the room's link. Prints a line per check (or, with `--json`, one JSON object
 * per check then the summary); exit 0 when the worker conforms, 1 when a check failed.
 */
export async function conformanceCommand(
  args: ParsedArgs,
  io: Io,
  deps: RemoteDeps,
): Promise<number> {
  const only = stringFlag(args, 'only')
    ?.split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const timeout = intFlag(args, 'job-timeout', 1);
  const { runWorkerConformance, formatConformanceReport, WORKER_CHECKS } = await import(
    '@trainwire/core/testing'
  );
  const unknown = only?.filter((id) => !WORKER_CHECKS.some((check) => check.id === id)) ?? [];
  if (unknown.length > 0) {
    throw new UsageError(
      `--only names no check ${unknown.join(', ')}; the checks are ${WORKER_CHECKS.map((c) => c.id).join(', ')}`,
    );
  }
  const connection = await deps.connect(connectOptions(args));
  try {
    const report = await runWorkerConformance(connection.transport, {
      ...(only === undefined ? {} : { only }),
      ...(timeout === undefined ? {} : { jobTimeoutMs: timeout * 1000 }),
    });
    if (args.values.json === true) {
      for (const result of report.results) io.stdout.write(`${JSON.stringify(result)}\n`);
      io.stdout.write(
        `${JSON.stringify({
          ok: report.ok,
          worker: report.worker?.name ?? connection.worker.name,
          passed: report.results.filter((r) => r.passed).length,
          failed: report.results.filter((r) => !r.passed).length,
        })}\n`,
      );
    } else io.stdout.write(formatConformanceReport(report));
    return report.ok ? ExitCode.ok : ExitCode.jobFailed;
  } finally {
    await connection.close();
  }
}
