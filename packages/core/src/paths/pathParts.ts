/** Splits a client or worker path on `/` and `\` (a client may be on Windows). */
export function splitPath(path: string): string[] {
  return path.split(/[\\/]+/).filter((part, index) => part !== '' || index === 0);
}

/** The file name of a path, whichever separator it uses. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

/** Joins a worker folder and a relative path with `/`. */
export function joinWorkerPath(folder: string, ...rest: string[]): string {
  const head = folder.endsWith('/') ? folder.slice(0, -1) : folder;
  return [head, ...rest].join('/');
}
