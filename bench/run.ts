/**
 * `npm run bench`: requests/s of a bare Fastify route vs. keygate's WSSE-protected
 * `GET /api/v1/me`, side by side in one run on 127.0.0.1, reported as a ratio (see
 * `bench/README.md`). Each server runs in its own child process; autocannon drives both
 * from this process with a fresh X-WSSE header for every request, warm-up first, then the
 * targets alternately (A B A B …), and the medians are compared. Results also go to
 * `bench/results/<timestamp>.json`. Exit code 1 when any request was refused or failed, or
 * keygate accepted a request without consuming its nonce.
 *
 * @packageDocumentation
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { CleanupStack } from './cleanup_stack.js';
import { countNonceRecords } from './count_nonce_records.js';
import { formatReport } from './format_report.js';
import { checkBareAnswers, checkKeygateAuthenticates } from './preflight_checks.js';
import { readBenchOptions, USAGE } from './read_bench_options.js';
import { type LoadRunResult, runLoad } from './run_load.js';
import { startKeygate } from './start_keygate.js';
import { CHILD_PRELOADS, type ServerProcess, startServerProcess } from './start_server_process.js';
import { formatProfileSummary, summarizeCpuProfile } from './summarize_cpu_profile.js';
import { compareTargets, summarizeTarget } from './summarize_runs.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const BARE_SERVER = fileURLToPath(new URL('./bare_server.ts', import.meta.url));
const ME_PATH = '/api/v1/me';

interface Target {
  readonly name: 'bare' | 'keygate';
  readonly server: ServerProcess;
  readonly warmup: LoadRunResult[];
  readonly runs: LoadRunResult[];
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function describeRun(run: LoadRunResult): string {
  const codes = Object.entries(run.statusCodes)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
  return (
    `${Math.round(run.requestsPerSecond)} req/s, p50 ${run.latencyP50} ms, p99 ${run.latencyP99} ms, ` +
    `${codes || 'no responses'}, errors ${run.errors + run.timeouts}, ` +
    `server CPU ${run.serverCpuPercent?.toFixed(0) ?? 'n/a'}%, client CPU ${run.clientCpuPercent.toFixed(0)}%, ` +
    `other CPU ${run.otherCpuPercent?.toFixed(0) ?? 'n/a'}%, steal ${run.stealPercent?.toFixed(0) ?? 'n/a'}%`
  );
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The last JSON log lines of a keygate child. Only pino's lines: the first-start banner on
 * stderr shows the admin password, which has no place in the benchmark's output.
 */
function logLines(output: string, count = 10): string {
  const lines = output.split('\n').filter((line) => line.startsWith('{'));
  return lines.length === 0 ? '(none)' : lines.slice(-count).join('\n');
}

async function packageVersion(name: string): Promise<string> {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(await readFile(url, 'utf8')) as { version: string }).version;
}

/** Main-thread profiles only: `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`, thread 0. */
async function listProfiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((name) => /\.\d+\.0\.\d+\.cpuprofile$/.test(name))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

async function main(): Promise<number> {
  const options = readBenchOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const profileDir = options.cpuProf ? join(RESULTS_DIR, `cpu-${stamp}`) : null;
  const profileFlags = (name: string) =>
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [];

  const cleanup = new CleanupStack();
  cleanup.exitOnSignals();
  try {
    log('starting keygate (fresh SQLite data dir, API key via the CLI)…');
    const keygate = await startKeygate(cleanup, { nodeFlags: profileFlags('keygate') });
    const { key, secret } = keygate.apiKey;
    // Both targets get headers from this one function, so the client's work per request is
    // identical; the bare route simply ignores the header.
    const wsseHeader = () => createUsernameTokenSync({ username: key, secret }).header;
    const principalBody = await checkKeygateAuthenticates(
      keygate.server.url,
      wsseHeader,
      key,
    ).catch((error: unknown) => {
      throw new Error(
        `${describeError(error)}\nkeygate's log:\n${logLines(keygate.server.output())}`,
      );
    });

    log('starting the bare Fastify server…');
    const bare = await startServerProcess({
      name: 'bare',
      args: [...profileFlags('bare'), ...CHILD_PRELOADS, BARE_SERVER],
      env: { ...process.env, BENCH_BARE_BODY: principalBody },
      listening: /bare listening on (http:\/\/\S+)/,
    });
    cleanup.add('stop bare', () => bare.stop());
    await checkBareAnswers(bare.url, wsseHeader(), principalBody);

    const targets: Target[] = [
      { name: 'bare', server: bare, warmup: [], runs: [] },
      { name: 'keygate', server: keygate.server, warmup: [], runs: [] },
    ];
    const load = {
      connections: options.connections,
      pipelining: options.pipelining,
      path: ME_PATH,
      wsseHeader,
    };
    const measure = async (target: Target, seconds: number, label: string) => {
      log(`${label}: ${target.name}, ${seconds} s…`);
      const run = await runLoad({ ...load, server: target.server, durationSeconds: seconds });
      log(`  ${describeRun(run)}`);
      return run;
    };

    if (options.warmupSeconds > 0) {
      for (const target of targets) {
        target.warmup.push(await measure(target, options.warmupSeconds, 'warm-up'));
      }
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of targets) {
        target.runs.push(
          await measure(target, options.durationSeconds, `round ${round}/${options.rounds}`),
        );
      }
    }

    // Correctness: a refused or failed request would be cheap and inflate req/s.
    const failures: string[] = [];
    for (const target of targets) {
      for (const [i, run] of [...target.warmup, ...target.runs].entries()) {
        const which =
          i < target.warmup.length ? 'warm-up' : `round ${i - target.warmup.length + 1}`;
        if (run.non2xx > 0) {
          failures.push(
            `${target.name} ${which}: ${run.non2xx} non-2xx answers ${JSON.stringify(run.statusCodes)}`,
          );
        }
        if (run.errors + run.timeouts > 0) {
          failures.push(`${target.name} ${which}: ${run.errors} errors, ${run.timeouts} timeouts`);
        }
      }
    }
    const keygateTarget = targets[1] as Target;
    const accepted =
      1 + [...keygateTarget.warmup, ...keygateTarget.runs].reduce((sum, run) => sum + run.ok2xx, 0);
    const nonceRecords = countNonceRecords(keygate.sqliteFile);
    if (nonceRecords < accepted) {
      failures.push(
        `keygate answered ${accepted} requests with 2xx but holds only ${nonceRecords} consumed nonces`,
      );
    }

    const comparison = compareTargets(
      summarizeTarget('bare', (targets[0] as Target).runs),
      summarizeTarget('keygate', keygateTarget.runs),
      options.target,
    );
    const finishedAt = new Date();
    process.stdout.write(
      `\n${options.rounds} × ${options.durationSeconds} s per target, ${options.connections} connections, ` +
        `pipelining ${options.pipelining}, fresh X-WSSE header on every request to both` +
        `${options.cpuProf ? ' (CPU profiling on: figures are slowed down)' : ''}\n\n` +
        `${formatReport(comparison)}\n` +
        `nonces consumed by keygate: ${nonceRecords} (2xx answers incl. checks: ${accepted})\n`,
    );

    await mkdir(RESULTS_DIR, { recursive: true });
    const resultFile = join(RESULTS_DIR, `${stamp}.json`);
    const record = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      options,
      machine: {
        node: process.version,
        platform: `${platform()} ${release()}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? null,
      },
      versions: {
        fastify: await packageVersion('fastify'),
        autocannon: await packageVersion('autocannon'),
      },
      path: ME_PATH,
      targets: Object.fromEntries(
        targets.map((target) => [target.name, { warmup: target.warmup, runs: target.runs }]),
      ),
      medians: {
        bare: { ...comparison.bare, runs: undefined },
        keygate: { ...comparison.keygate, runs: undefined },
      },
      ratio: comparison.ratio,
      roundRatios: comparison.roundRatios,
      target: comparison.target,
      verdict: comparison.verdict,
      checks: { nonceRecords, keygateAccepted: accepted, failures },
      cpuProfiles: profileDir,
    };
    await writeFile(resultFile, `${JSON.stringify(record, null, 2)}\n`);
    process.stdout.write(`results: ${resultFile}\n`);

    if (profileDir) {
      // Profiles are written when the servers exit.
      await cleanup.runAll();
      for (const name of ['keygate', 'bare']) {
        for (const file of await listProfiles(join(profileDir, name))) {
          const summary = summarizeCpuProfile(JSON.parse(await readFile(file, 'utf8')));
          process.stdout.write(
            `\nCPU profile of ${name}: ${file}\n${formatProfileSummary(summary, 15)}\n`,
          );
        }
      }
    }

    if (failures.length > 0) {
      process.stderr.write(
        `\nbench: FAILED, the figures above are not valid:\n  ${failures.join('\n  ')}\n`,
      );
      return 1;
    }
    return 0;
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
