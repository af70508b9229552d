import { describe, expect, it } from 'vitest';
import { isModuleNotFound } from './isModuleNotFound.js';

const name = '@trainwire/ui-react';

describe('isModuleNotFound', () => {
  it('recognises "not installed" as each runtime and bundler words it', () => {
    const messages = [
      // Node
      Object.assign(new Error(`Cannot find package '${name}' imported from /app/main.js`), {
        code: 'ERR_MODULE_NOT_FOUND',
      }),
      // Chromium
      new TypeError(
        `Failed to resolve module specifier "${name}". Relative references must start with either "/", "./", or "../".`,
      ),
      // Firefox
      new TypeError(
        `The specifier “${name}” was a bare specifier, but was not remapped to anything.`,
      ),
      // Vite
      new Error(`Failed to load url ${name} (resolved id: ${name}). Does the file exist?`),
      // webpack
      new Error(`Cannot find module '${name}'`),
    ];
    for (const error of messages) expect(isModuleNotFound(error, name), error.message).toBe(true);
  });

  it('does not mistake a package that is there but fails for a missing one', () => {
    const cases: unknown[] = [
      // Installed, not built: the missing file is inside the package.
      Object.assign(
        new Error(
          `Cannot find module '/app/node_modules/${name}/dist/index.js' imported from /app/x.js`,
        ),
        { code: 'ERR_MODULE_NOT_FOUND' },
      ),
      // One of its own dependencies is missing.
      Object.assign(new Error(`Cannot find package 'uplot' imported from /app/x.js`), {
        code: 'ERR_MODULE_NOT_FOUND',
      }),
      new Error('uplot failed to initialise'),
      'a string',
      null,
    ];
    for (const error of cases) expect(isModuleNotFound(error, name)).toBe(false);
  });
});
