import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run the sources: map the platform switch to its Node file (package.json "imports").
    alias: { '#platform': fileURLToPath(new URL('./src/internal/platform.ts', import.meta.url)) },
  },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['./test/globalSetup.ts'],
  },
});
