import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**', '.cache/**'],
    // Each test file in its own process: the embedded engine is one per process and per data directory.
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test-support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
