import { baseName, type PathResolution } from '@trainwire/core';

function folderOf(path: string): string {
  return path.slice(0, path.length - baseName(path).length).replace(/[\\/]+$/, '') || '/';
}

/**
 * What a terminal user does about inputs the worker lacks: the best candidate of each, and
 * the flags that fix them (a `--map-path` computed from a candidate with the same name
 * when there is one). The dialog a widget opens is, here, a flag.
 */
export function missingPathsAdvice(resolution: PathResolution | undefined): string {
  const lines: string[] = [];
  let mapPath: string | undefined;
  for (const entry of resolution?.entries ?? []) {
    if (entry.status !== 'missing' && entry.status !== 'denied') continue;
    const best = entry.candidates[0];
    if (best === undefined) continue;
    lines.push(`  ${entry.role}: the worker has ${best.path} (${best.size} bytes, ${best.match})`);
    if (mapPath === undefined && baseName(best.path) === baseName(entry.clientPath)) {
      const from = folderOf(entry.clientPath);
      const to = folderOf(best.path);
      if (from !== to) mapPath = `--map-path ${from}=${to}`;
    }
  }
  lines.push(
    `Pass ${mapPath ?? '--map-path FROM=TO'} to rewrite the folder, or --input ROLE=PATH with the path on the worker (\`trainwire resolve-paths\` lists candidates).`,
  );
  return lines.join('\n');
}
