import { defineConfig } from 'vitest/config';

// Accuracy of the engine on phantoms (test/accuracy/): slow, run by `npm run test:accuracy`
// (a fixed CI subset) and `npm run test:accuracy:full` (HVM_ACCURACY_FULL=1: the full set).
export default defineConfig({
  test: {
    include: ['test/accuracy/**/*.test.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
