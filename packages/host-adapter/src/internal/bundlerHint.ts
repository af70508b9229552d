import type { Importer } from '../Importer.js';
import { currentRuntime } from './runtime.js';

/**
 * In a page without a host importer, "not found" may only mean the bundler never saw the
 * package: say how to fix that too.
 */
export function bundlerHint(importer: Importer | undefined): string | undefined {
  if (importer !== undefined || currentRuntime().node) return undefined;
  return 'if it is installed, pass an `importer` so your bundler includes it';
}
