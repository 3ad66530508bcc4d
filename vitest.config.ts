import { defineConfig } from 'vitest/config';

// Unit and integration tests. Slow suites (accuracy, benchmarks) have their own scripts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/accuracy/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
