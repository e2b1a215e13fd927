import { defineConfig } from 'vitest/config';

/**
 * The emulator suites (`npm run test:emulators`): each starts its independent implementation
 * (Apache Kafka, moto, fakesnow) on a free 127.0.0.1 port or runs cfn-lint, and fails instead of
 * skipping when the tool is missing. One file at a time: the broker and the JVM take a core.
 */
export default defineConfig({
  test: {
    include: ['test/emulators/**/*.test.ts'],
    env: { STREAMFLOW_REQUIRE_EMULATORS: '1' },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
