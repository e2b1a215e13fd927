import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites (real AWS / Snowflake) opt in through credentials; they skip themselves otherwise.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
