/**
 * Whether `error` says that `specifier` itself could not be found (not installed), as
 * opposed to a package that is there but fails while loading (a file of its own missing,
 * an exception at import). Node: "Cannot find package 'x'"; Vite: "Failed to load url x";
 * Chromium: 'Failed to resolve module specifier "x"'; Firefox: 'The specifier “x” was a
 * bare specifier'; webpack: "Cannot find module 'x'".
 */
export function isModuleNotFound(error: unknown, specifier: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    code === 'ERR_LOAD_URL' ||
    /cannot find (package|module)|failed to (resolve|load|fetch)|bare specifier|not remapped|could not resolve|module not found|does the file exist/i.test(
      message,
    );
  if (!notFound) return false;
  // The specifier on its own, quoted or between spaces: not a path inside the package.
  const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(^|[\\s'"\`“‘(])${escaped}($|[\\s'"\`”’),:])`).test(message);
}
