/**
 * `npm run bench`: the one entry point of the benchmark (see `bench/README.md`). It reads
 * the options, runs one mode — the SQLite comparison of keygate with a bare Fastify route
 * and oidc-provider (`modes/compare_with_baselines.ts`, the default), keygate on
 * PostgreSQL + Redis with one and several processes (`--store postgres`,
 * `modes/scale_over_processes.ts`), or keygate protecting an existing API (`--protect`,
 * `modes/protect_existing_api.ts`) — prints its report, writes
 * `bench/results/<timestamp>[-postgres|-protect].json`, summarises the CPU profiles with `--cpu-prof`,
 * and removes every server, directory and store it made, also on failure and on Ctrl-C.
 * Exit code 1 when any correctness check failed: a request refused or failed, a body was
 * wrong, keygate accepted a request without consuming its nonce, or a refresh token was not
 * consumed exactly once.
 *
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchMode, ModeContext } from './lib/bench_mode.js';
import { CleanupStack } from './lib/cleanup_stack.js';
import { describeError } from './lib/describe_error.js';
import { describeMachine } from './lib/describe_machine.js';
import { printCpuProfiles } from './lib/print_cpu_profiles.js';
import { readBenchOptions, USAGE } from './lib/read_bench_options.js';
import { reportFailures } from './lib/report_failures.js';
import { compareWithBaselines } from './modes/compare_with_baselines.js';
import { protectExistingApi } from './modes/protect_existing_api.js';
import { scaleOverProcesses } from './modes/scale_over_processes.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

async function main(): Promise<number> {
  const options = readBenchOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const mode: BenchMode = options.protect
    ? protectExistingApi
    : options.store === 'postgres'
      ? scaleOverProcesses
      : compareWithBaselines;
  const suffix = options.protect ? '-protect' : options.store === 'postgres' ? '-postgres' : '';
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const profileDir = options.cpuProf ? join(RESULTS_DIR, `cpu-${stamp}`) : null;
  const profiled: string[] = [];
  const machine = describeMachine();
  const cleanup = new CleanupStack();
  cleanup.exitOnSignals();
  try {
    const context: ModeContext = {
      options,
      cleanup,
      machine,
      nodeFlags(name) {
        if (profileDir === null) return [];
        profiled.push(name);
        return ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`];
      },
    };
    const outcome = await mode(context);
    process.stdout.write(`${outcome.report}\n`);

    await mkdir(RESULTS_DIR, { recursive: true });
    const resultFile = join(RESULTS_DIR, `${stamp}${suffix}.json`);
    const record = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      options,
      machine,
      ...outcome.record,
      cpuProfiles: profileDir,
    };
    await writeFile(resultFile, `${JSON.stringify(record, null, 2)}\n`);
    process.stdout.write(`results: ${resultFile}\n`);

    if (profileDir) {
      // Profiles are written when the servers exit.
      await cleanup.runAll();
      await printCpuProfiles(
        profiled.map((name) => ({ label: name, dir: join(profileDir, name) })),
      );
    }
    return reportFailures(outcome.failures);
  } finally {
    await cleanup.runAll();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);
