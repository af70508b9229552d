/**
 * What a file-system error means, in words (`EACCES` → "permission denied"), so a message
 * never shows a bare errno; the error itself goes in `cause`.
 */
export function fsProblem(error: unknown): string {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'part of the path is a file, not a folder';
    default:
      // "EIO: i/o error, open '/x'" → "i/o error": the words without the errno and syscall.
      return typeof message === 'string'
        ? message.replace(/^[A-Z][A-Z0-9_]+: /, '').replace(/, \w+ '.*'$/, '')
        : String(error);
  }
}
