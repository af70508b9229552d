import { describeReadiness } from '@trainwire/core';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import type { ParsedArgs } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { table } from '../internal/format.js';
import { withManager } from '../internal/withManager.js';

/**
 * `trainwire readiness [--worker NAME] [--refresh] [--log]`: whether a worker can train now
 * — its GPU line, the devices a job may ask for, and each trainer profile (its command
 * found, its self-check) with why one is not ready (core's `describeReadiness`, the words
 * the widgets show). Exit 0 when at least one profile is ready, 1 when none is.
 */
export async function readinessCommand(
  args: ParsedArgs,
  io: Io,
  deps: RemoteDeps,
): Promise<number> {
  const refresh = args.values.refresh === true;
  return withManager(deps.connect, args, async (manager, connection) => {
    const readiness = await manager
      .peerFor()
      .request('worker.readiness', refresh ? { refresh: true } : {});
    const view = describeReadiness(readiness);
    if (args.values.json === true) {
      io.stdout.write(`${JSON.stringify({ worker: connection.worker.name, ...readiness })}\n`);
      return view.ready ? ExitCode.ok : ExitCode.jobFailed;
    }
    const worker = connection.worker.name;
    io.stdout.write(
      `${view.ready ? `${worker} is ready to train` : `${worker} cannot train yet`}. ${view.gpu}. Devices: ${view.devices.join(', ')}.\n`,
    );
    io.stdout.write(
      table([
        ['PROFILE', 'READY', 'COMMAND', 'SELF-CHECK'],
        ...readiness.profiles.map((p) => [
          p.profile,
          p.ready ? 'yes' : `no: ${p.reason ?? 'not ready'}`,
          `${p.command.program}${p.command.found ? '' : ' (not found)'}`,
          p.selfCheck === undefined
            ? '—'
            : `${p.selfCheck.ok ? 'ok' : 'failed'}: ${p.selfCheck.summary}`,
        ]),
      ]),
    );
    if (args.values.log === true) {
      for (const p of readiness.profiles) {
        if (p.log.length === 0) continue;
        io.stdout.write(`\n${p.profile}:\n${p.log.map((line) => `  ${line}`).join('\n')}\n`);
      }
    }
    // `checkedAt` is on the worker's clock: an age from this machine's would be off by the skew.
    io.stdout.write(
      readiness.cached
        ? "From the worker's last check (cached; --refresh checks again).\n"
        : 'Checked just now.\n',
    );
    return view.ready ? ExitCode.ok : ExitCode.jobFailed;
  });
}
