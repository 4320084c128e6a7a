import { defineConfig } from 'vitest/config';

/**
 * One test command for the whole workspace. Integration tests start real servers and
 * child processes, so files run in forked workers, two at a time on this 2-core target.
 */
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
