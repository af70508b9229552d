/** Options for an import: `{ with: { type: 'json' } }` when a package's `package.json` is read. */
export interface ImportOptions {
  with?: { type: 'json' };
}

/**
 * Loads a module by its specifier, as `import(specifier, options)` does; `detect()` and
 * `mount()` load every optional package through one. The default is a plain dynamic
 * `import()`, which works in Node and in pages served as ES modules with an import map.
 * A bundled page (Vite, webpack) passes its own, so the bundler sees each specifier:
 *
 * @example
 * ```ts
 * const loaders: Record<string, () => Promise<unknown>> = {
 *   react: () => import('react'),
 *   'react-dom': () => import('react-dom'),
 *   'react-dom/client': () => import('react-dom/client'),
 *   '@trainwire/ui-react': () => import('@trainwire/ui-react'),
 *   '@trainwire/ui-react/package.json': () => import('@trainwire/ui-react/package.json'),
 * };
 * const importer: Importer = async (specifier) => {
 *   const load = loaders[specifier];
 *   if (load === undefined) throw new Error(`Cannot find package '${specifier}'`);
 *   return load();
 * };
 * ```
 */
export type Importer = (specifier: string, options?: ImportOptions) => Promise<unknown>;
