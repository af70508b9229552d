import {
  applyPathFix,
  confirmProposed,
  createPathResolution,
  type PathResolution,
  RpcPeer,
} from '@trainwire/core';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import type { ParsedArgs } from '../internal/args.js';
import { mapPaths } from '../internal/buildSpec.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { connectOptions } from '../internal/withManager.js';

/**
 * `trainwire resolve-paths --input ROLE=PATH…`: checks each input on the worker; for a
 * missing one shows ranked candidates (same name and size first), and — at a terminal —
 * asks which is right, fixing siblings from the same folder. Prints the `--input` flags
 * to use. Exit 0 when every input resolves, 2 otherwise.
 */
export async function resolvePathsCommand(
  args: ParsedArgs,
  io: Io,
  deps: RemoteDeps,
): Promise<number> {
  const inputs = mapPaths(args);
  if (Object.keys(inputs).length === 0)
    throw new UsageError('missing --input ROLE=PATH: name the files to find on the worker');
  const connection = await deps.connect(connectOptions(args));
  const peer = new RpcPeer(connection.transport);
  try {
    const check = async (paths: string[]) =>
      (await peer.request('paths.check', { paths, findCandidates: true })).results;
    let resolution: PathResolution = createPathResolution(
      inputs,
      await check(Object.values(inputs)),
    );
    if (resolution.unresolved > 0 && io.interactive) {
      const prompts = await import('@inquirer/prompts');
      for (const entry of resolution.entries) {
        const now = resolution.entries.find((e) => e.role === entry.role)!;
        if (now.status !== 'missing' && now.status !== 'denied') continue;
        const choice = await prompts.select({
          message: `${connection.worker.name} has no ${now.clientPath} (${now.role}). Which file is it?`,
          choices: [
            ...now.candidates
              .slice(0, 8)
              .map((c) => ({ name: `${c.path} (${c.size} bytes, ${c.match})`, value: c.path })),
            { name: 'Skip', value: '' },
          ],
        });
        if (choice !== '') resolution = applyPathFix(resolution, entry.role, choice);
      }
      // Confirm proposed paths (siblings fixed from one choice) on the worker.
      resolution = await confirmProposed(resolution, check);
    }
    if (args.values.json === true) io.stdout.write(`${JSON.stringify(resolution)}\n`);
    else {
      for (const e of resolution.entries) {
        if (e.status === 'found') io.stdout.write(`ok       ${e.role}: ${e.workerPath}\n`);
        else {
          io.stdout.write(
            `${e.status.padEnd(8)} ${e.role}: ${e.clientPath}${e.reason ? ` (${e.reason})` : ''}\n`,
          );
          for (const c of e.candidates.slice(0, 5))
            io.stdout.write(`           candidate: ${c.path} (${c.size} bytes, ${c.match})\n`);
        }
      }
      const flags = resolution.entries
        .filter((e) => e.workerPath !== undefined)
        .map((e) => `--input ${e.role}=${e.workerPath}`);
      if (flags.length > 0) io.stdout.write(`Use: ${flags.join(' ')}\n`);
    }
    return resolution.unresolved === 0 ? ExitCode.ok : ExitCode.usage;
  } finally {
    peer.dispose();
    await connection.close();
  }
}
