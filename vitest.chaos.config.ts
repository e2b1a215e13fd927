import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: the long reliability sweeps (test/reliability/*.chaos.ts): every fault at
 * every call, random redelivery schedules, big hostile corpora and the 1,000,000-event run.
 * `npm test` runs their fast subsets (test/reliability/*.test.ts). Set STREAMFLOW_FIGURES to a file
 * to collect the figures docs/reliability.md reports.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.chaos.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: 'forks',
  },
});
