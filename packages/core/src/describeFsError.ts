/**
 * What a file-system error means, in words (`ENOENT` → "no such file or folder"), so a
 * message never shows a bare errno; the caller names what fixes it and keeps the error
 * as `cause`. One reading for the CLI, the host adapter and the worker.
 *
 * @example
 * ```ts
 * describeFsError({ code: 'EROFS' }); // "the file system is read-only"
 * ```
 */
export function describeFsError(error: unknown): string {
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
    case 'EEXIST':
      return 'something with that name is already there';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      // "EIO: i/o error, open '/x'" → "i/o error": the words without the errno and syscall.
      return typeof message === 'string'
        ? message.replace(/^[A-Z][A-Z0-9_]+: /, '').replace(/, \w+ '.*'$/, '')
        : String(error);
  }
}
