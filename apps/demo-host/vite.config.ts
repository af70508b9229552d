import { defineConfig } from 'vite';

// Vite 8 compiles JSX with oxc; `automatic` needs no `import React` in each file.
// `--mode without-optional` builds the page with the optional trainwire packages left out
// (src/optionalPackages.ts), as a host that has not installed them would ship.
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { target: 'es2022', sourcemap: true },
});
