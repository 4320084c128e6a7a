import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('./', import.meta.url));

/**
 * Compiles the three packages once before any test file runs (`tsc -b`, incremental: a no-op
 * when dist/ is up to date). Tests import the TypeScript sources through the `@keygate/source`
 * export condition, but the ones that spawn `keygate` or `keygate-client` run the bin
 * scripts, which load the compiled CLI from dist/ exactly as an installed package does.
 */
export default function buildPackages(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}
