/**
 * Rewrites input paths by folder prefix (`/Users/me=/srv/data` turns
 * `/Users/me/labels.slp` into `/srv/data/labels.slp`); the longest matching prefix wins,
 * and a prefix matches whole folder names only. The CLI's `--map-path` and a host's saved
 * path mappings.
 *
 * @example
 * ```ts
 * mapInputPaths({ labels: '/Users/me/a.slp' }, { '/Users/me': '/srv/data' });
 * // → { labels: '/srv/data/a.slp' }
 * ```
 */
export function mapInputPaths(
  inputs: Readonly<Record<string, string>>,
  maps: Readonly<Record<string, string>>,
): Record<string, string> {
  const prefixes = Object.keys(maps).sort((a, b) => b.length - a.length);
  const out: Record<string, string> = {};
  for (const [role, path] of Object.entries(inputs)) {
    const from = prefixes.find(
      (prefix) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`),
    );
    out[role] = from === undefined ? path : `${maps[from]}${path.slice(from.length)}`;
  }
  return out;
}
