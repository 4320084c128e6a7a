import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/** Export condition naming each workspace package's TypeScript sources (see package.json). */
const SOURCE_CONDITION = '@keygate/source';

/**
 * One test command for the whole workspace. Integration tests start real servers and
 * child processes, so files run in forked workers, two at a time on this 2-core target.
 * Tests import the workspace packages from source; `vitest.global_setup.ts` compiles dist/
 * first for the tests that spawn the CLI bin scripts.
 */
export default defineConfig({
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    globalSetup: ['./vitest.global_setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
