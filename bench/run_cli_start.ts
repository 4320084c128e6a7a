/**
 * CLI start-up time, side by side in one run: `keygate --help` and `keygate org list` from the
 * compiled package (`bin/keygate.js` → `dist/`), next to the start it replaced (the same CLI
 * loaded from its TypeScript sources through tsx, as the bin did before the build existed).
 * Wall time per call, median of `--runs` (default 10), alternating the two so machine load
 * falls on both alike.
 *
 * Usage: `npm run bench:cli [-- --runs 10]` (builds first through `npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable } from './lib/format_table.js';
import { median } from './lib/median.js';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const compiledBin = join(repositoryRoot, 'packages/server/bin/keygate.js');
const sourceMain = new URL('../packages/server/src/cli/main.ts', import.meta.url).href;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new RangeError('--runs must be a positive integer');

const scratch = mkdtempSync(join(tmpdir(), 'keygate-bench-cli-'));
try {
  // The entry point keygate shipped before it was compiled: register tsx, import the sources.
  const sourceBin = join(scratch, 'keygate_from_source.mjs');
  writeFileSync(
    sourceBin,
    [
      `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
      'register();',
      `const { main } = await import(${JSON.stringify(sourceMain)});`,
      'await main(process.argv);',
      '',
    ].join('\n'),
  );
  const dataDir = join(scratch, 'data');
  execFileSync('node', [compiledBin, '--data-dir', dataDir, 'migrate'], { stdio: 'ignore' });

  const commands: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['keygate --help', ['--help']],
    ['keygate org list', ['--data-dir', dataDir, 'org', 'list']],
  ];
  const rows = commands.map(([label, args]) => {
    const compiled: number[] = [];
    const source: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      compiled.push(timeCall(compiledBin, args));
      source.push(timeCall(sourceBin, args));
    }
    const compiledMedian = median(compiled);
    const sourceMedian = median(source);
    return [
      label,
      `${compiledMedian.toFixed(3)} s`,
      `${sourceMedian.toFixed(3)} s`,
      `${(sourceMedian / compiledMedian).toFixed(1)}×`,
    ];
  });
  process.stdout.write(`CLI start, wall time, median of ${runs}\n\n`);
  process.stdout.write(
    `${formatTable([['command', 'compiled (dist/)', 'from source (tsx)', 'speed-up'], ...rows])}\n`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** Wall time of one `node <bin> <args>` call, in seconds. */
function timeCall(bin: string, args: readonly string[]): number {
  const started = process.hrtime.bigint();
  execFileSync('node', [bin, ...args], { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - started) / 1e9;
}
