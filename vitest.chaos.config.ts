import { defineConfig } from 'vitest/config';

/** The long reliability sweeps (`npm run test:chaos`): fault sweeps, the hostile corpus, 1M-event load. */
export default defineConfig({
  test: {
    include: ['test/**/*.chaos.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 10 * 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
