import { defineConfig } from 'vitest/config';

// The tests run in Node and drive Chromium through playwright-core.
export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
