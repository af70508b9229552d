import type { Importer } from '../Importer.js';

/** A plain dynamic import, left alone by bundlers (they cannot see a computed specifier anyway). */
export const defaultImporter: Importer = (specifier, options) =>
  options === undefined
    ? import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)
    : import(/* @vite-ignore */ /* webpackIgnore: true */ specifier, options);
