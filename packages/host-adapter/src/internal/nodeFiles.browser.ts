// Stands in for nodeFiles.ts in browser bundles (package.json `browser` field): same
// names, no Node imports. The automatic storage choice never reaches these.

const notHere = 'there is no file system here (a browser); use LocalStoragePrefsStorage';

/** Whether these functions work here. */
export const nodeFilesAvailable = false;

/** Not available in a browser. */
export function userPrefsPath(_env: Readonly<Record<string, string | undefined>>): string {
  throw new Error(notHere);
}

/** Not available in a browser. */
export async function readTextFile(_path: string): Promise<string | undefined> {
  throw new Error(notHere);
}

/** Not available in a browser. */
export async function writeTextFileAtomic(_path: string, _text: string): Promise<void> {
  throw new Error(notHere);
}
