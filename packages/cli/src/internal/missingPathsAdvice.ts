import { type PathResolution, suggestFixes } from '@trainwire/core';

/**
 * What a terminal user does about inputs the worker lacks: the best candidate of each, and
 * the flags that fix them (core's folder rewrite as `--map-path` when there is one). The
 * dialog a widget opens is, here, a flag.
 */
export function missingPathsAdvice(resolution: PathResolution | null | undefined): string {
  const { best, mapping } = suggestFixes(resolution ?? undefined);
  const lines = best.map(
    ({ role, candidate }) =>
      `  ${role}: the worker has ${candidate.path} (${candidate.size} bytes, ${candidate.match})`,
  );
  const mapPath = mapping === undefined ? undefined : `--map-path ${mapping.from}=${mapping.to}`;
  lines.push(
    `Pass ${mapPath ?? '--map-path FROM=TO'} to rewrite the folder, or --input ROLE=PATH with the path on the worker (\`trainwire resolve-paths\` lists candidates).`,
  );
  return lines.join('\n');
}
