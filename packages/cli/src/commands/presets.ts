import { listPresets, PIPELINE_PRESETS } from '@trainwire/core';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import { type ParsedArgs, stringFlag } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { table } from '../internal/format.js';
import { withManager } from '../internal/withManager.js';
import { refusal } from './experimentsShared.js';

/**
 * `trainwire presets [--profile P]`: a profile's presets (quick, standard, epic) as the
 * worker maps them — epochs, dataset size, and how long each takes there, estimated from
 * that worker's own history of the profile ("no history yet" before its first run) —
 * and the profile's pipelines (`--pipeline NAME`), in text.
 */
export async function presetsCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const profile = stringFlag(args, 'profile') ?? 'builtin';
  const dataset = stringFlag(args, 'dataset');
  return withManager(deps.connect, args, async (manager, connection) => {
    const presets = await listPresets(
      manager.peerFor(),
      profile,
      dataset === undefined ? {} : { dataset },
    ).catch(refusal(connection.worker.name));
    if (args.values.json === true) {
      for (const preset of presets) io.stdout.write(`${JSON.stringify(preset)}\n`);
      return ExitCode.ok;
    }
    if (presets.length === 0)
      io.stdout.write(`${connection.worker.name} has no presets for ${profile}.\n`);
    else {
      io.stdout.write(
        table([
          ['PRESET', 'EPOCHS', 'DATASET', 'ESTIMATE'],
          ...presets.map((p) => [
            p.name,
            `${p.epochs}`,
            `${p.datasetSize.value} ${p.datasetSize.unit}`,
            p.estimateText,
          ]),
        ]),
      );
      io.stdout.write(
        `Train one with \`trainwire train --profile ${profile} --preset NAME\`; \`--json\` shows each full config.\n`,
      );
    }
    // The profile's pipelines (core's presets of stages), e.g. sleap-nn's top-down.
    const pipelines = Object.values(PIPELINE_PRESETS[profile] ?? {});
    for (const pipeline of pipelines)
      io.stdout.write(
        `Pipeline ${pipeline.name}: ${pipeline.description} (${pipeline.stageNames.join(' → ')}); \`trainwire train --profile ${profile} --pipeline ${pipeline.name} --input labels=…\`.\n`,
      );
    return ExitCode.ok;
  });
}
