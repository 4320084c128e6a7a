/**
 * `npm run bench`: requests/s, side by side in one run on 127.0.0.1 (see `bench/README.md`),
 * of keygate's WSSE-protected and Bearer-protected `GET /api/v1/me` against a bare Fastify
 * route, and of keygate's `api_keys` and `refresh_token` grants against oidc-provider's
 * `client_credentials` grant, reported as ratios. Each server runs in its own child process;
 * autocannon drives them from this process with what must be fresh built for every request
 * (WSSE header, grant payload, unconsumed refresh token), warm-up first, then the targets in
 * turn (A B C … A B C …), and the medians are compared. `--scenario` selects what runs.
 * Results also go to `bench/results/<timestamp>.json`. Exit code 1 when any request was
 * refused or failed, a body was wrong, keygate accepted a request without consuming its
 * nonce, or a refresh token was not consumed exactly once.
 *
 * @packageDocumentation
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { CleanupStack } from './cleanup_stack.js';
import { collectRunFailures } from './collect_run_failures.js';
import { countNonceRecords } from './count_nonce_records.js';
import { describeMachine } from './describe_machine.js';
import { formatReport } from './format_report.js';
import {
  apiKeysPayload,
  BENCH_SCOPE,
  type KeygateOAuth,
  mintRefreshChains,
  refreshPayload,
  setUpKeygateOAuth,
} from './keygate_oauth.js';
import {
  apiKeysRequest,
  bearerMeRequest,
  clientCredentialsRequest,
  refreshTokenRequest,
  wsseMeRequest,
} from './load_requests.js';
import { log } from './log.js';
import { measureInRounds } from './measure_in_rounds.js';
import {
  checkApiKeysGrant,
  checkBearer,
  checkOidcClientCredentials,
  checkRefreshGrant,
} from './oauth_preflight_checks.js';
import { checkBareAnswers, checkKeygateAuthenticates } from './preflight_checks.js';
import { printCpuProfiles } from './print_cpu_profiles.js';
import { readBenchOptions, USAGE } from './read_bench_options.js';
import { type RefreshTokenRecords, readRefreshTokenRecords } from './read_refresh_token_records.js';
import { RefreshTokenPool } from './refresh_token_pool.js';
import { reportFailures } from './report_failures.js';
import { type LoadRequest, type LoadRunResult, runLoad } from './run_load.js';
import { runScaling } from './run_scaling.js';
import { startKeygate } from './start_keygate.js';
import { startOidcProvider } from './start_oidc_provider.js';
import { CHILD_PRELOADS, type ServerProcess, startServerProcess } from './start_server_process.js';
import { type Comparison, compareTargets, summarizeTarget } from './summarize_runs.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const BARE_SERVER = fileURLToPath(new URL('./bare_server.ts', import.meta.url));

/** One thing measured: a server and what every request to it is. */
interface Target {
  readonly name: string;
  readonly server: ServerProcess;
  readonly request: LoadRequest;
  readonly warmup: LoadRunResult[];
  readonly runs: LoadRunResult[];
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

async function packageVersion(name: string): Promise<string> {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(await readFile(url, 'utf8')) as { version: string }).version;
}

/** Access tokens the Bearer scenario takes in turn (several clients, one user). */
const BEARER_TOKENS = 8;

async function main(): Promise<number> {
  const options = readBenchOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // PostgreSQL + Redis, one and several keygate processes (issue 5): run_scaling.ts.
  if (options.store === 'postgres') return runScaling(options);
  const scenarios = new Set(options.scenarios);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const profileDir = options.cpuProf ? join(RESULTS_DIR, `cpu-${stamp}`) : null;
  const profileFlags = (name: string) =>
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [];

  const cleanup = new CleanupStack();
  cleanup.exitOnSignals();
  try {
    log(`scenarios: ${options.scenarios.join(', ')}`);
    log('starting keygate (fresh SQLite data dir, API key via the CLI)…');
    const keygate = await startKeygate(cleanup, { nodeFlags: profileFlags('keygate') });
    const base = keygate.server.url;
    const tokenUrl = `${base}/oauth/token`;
    const { key, secret } = keygate.apiKey;
    // Every target compared with the bare route gets headers from this one function, so the
    // client's work per request is identical; the bare route simply ignores the header.
    const wsseHeader = () => createUsernameTokenSync({ username: key, secret }).header;
    const withOutput = <T>(promise: Promise<T>) =>
      promise.catch((error: unknown) => {
        throw new Error(`${describeError(error)}\nkeygate's output:\n${keygate.server.output()}`);
      });
    const principalBody = await withOutput(checkKeygateAuthenticates(base, wsseHeader, key));
    // Nonces keygate consumed for requests outside the measured runs.
    let checkNonces = 1;

    const targets: Target[] = [];
    const add = (name: string, server: ServerProcess, request: LoadRequest) => {
      targets.push({ name, server, request, warmup: [], runs: [] });
    };
    const runsPerTarget = options.rounds + (options.warmupSeconds > 0 ? 1 : 0);

    let oauth: KeygateOAuth | null = null;
    let makeApiKeysPayload: () => string = () => '';
    const bearerTokens: string[] = [];
    let bearerBody = '';
    let pool: RefreshTokenPool | null = null;
    if (scenarios.has('bearer') || scenarios.has('api_keys') || scenarios.has('refresh_token')) {
      log('registering an OAuth client and a user through the CLI…');
      const registered = await setUpKeygateOAuth(keygate);
      oauth = registered;
      makeApiKeysPayload = () => apiKeysPayload(registered, keygate.apiKey);
      if (scenarios.has('bearer') || scenarios.has('api_keys')) {
        bearerTokens.push(await withOutput(checkApiKeysGrant(tokenUrl, makeApiKeysPayload)));
        checkNonces += 1;
      }
      if (scenarios.has('bearer')) {
        while (bearerTokens.length < BEARER_TOKENS) {
          bearerTokens.push(await withOutput(checkApiKeysGrant(tokenUrl, makeApiKeysPayload)));
          checkNonces += 1;
        }
        bearerBody = await withOutput(checkBearer(base, bearerTokens[0] as string, 'admin'));
      }
      if (scenarios.has('refresh_token')) {
        // A request in flight when a run stops ends its chain: one chain per request in
        // flight for every run, and as many spare.
        const chains = options.connections * options.pipelining * (runsPerTarget + 1);
        log(`starting ${chains} refresh token chains (code flow through the login page)…`);
        const tokens = await withOutput(mintRefreshChains(base, registered, chains + 1));
        await withOutput(
          checkRefreshGrant(
            tokenUrl,
            (token) => refreshPayload(registered, token),
            tokens.pop() as string,
          ),
        );
        pool = new RefreshTokenPool(tokens);
      }
    }

    if (scenarios.has('wsse') || scenarios.has('bearer')) {
      log('starting the bare Fastify server…');
      const bare = await startServerProcess({
        name: 'bare',
        args: [...profileFlags('bare'), ...CHILD_PRELOADS, BARE_SERVER],
        env: { ...process.env, BENCH_BARE_BODY: principalBody },
        listening: /bare listening on (http:\/\/\S+)/,
      });
      cleanup.add('stop bare', () => bare.stop());
      await checkBareAnswers(bare.url, wsseHeader(), principalBody);
      add('bare', bare, wsseMeRequest(wsseHeader, principalBody));
    }
    if (scenarios.has('wsse')) {
      add('wsse', keygate.server, wsseMeRequest(wsseHeader, principalBody));
    }
    if (scenarios.has('bearer')) {
      add('bearer', keygate.server, bearerMeRequest(bearerTokens, wsseHeader, bearerBody));
    }
    let oidcTokenHeader: Record<string, unknown> | null = null;
    if (scenarios.has('api_keys')) {
      log('starting oidc-provider (client_credentials, ES256 JWT access tokens)…');
      const oidc = await startOidcProvider(cleanup, { nodeFlags: profileFlags('oidc') });
      const form = (clientSecret: string) =>
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: oidc.clientId,
          client_secret: clientSecret,
          scope: BENCH_SCOPE,
        }).toString();
      const oidcTokenUrl = `${oidc.server.url}/token`;
      oidcTokenHeader = await checkOidcClientCredentials(
        oidcTokenUrl,
        form(oidc.clientSecret),
        form(`${oidc.clientSecret}x`),
      ).catch((error: unknown) => {
        throw new Error(
          `${describeError(error)}\noidc-provider's output:\n${oidc.server.output()}`,
        );
      });
      add(
        'oidc_client_credentials',
        oidc.server,
        clientCredentialsRequest(form(oidc.clientSecret), makeApiKeysPayload),
      );
      add('api_keys', keygate.server, apiKeysRequest(makeApiKeysPayload));
    }
    if (pool !== null && oauth !== null) {
      const client = oauth;
      add(
        'refresh_token',
        keygate.server,
        refreshTokenRequest(pool, (token) => refreshPayload(client, token)),
      );
    }

    await measureInRounds(targets, options, async (target, seconds) => {
      const run = await runLoad({
        connections: options.connections,
        pipelining: options.pipelining,
        server: target.server,
        request: target.request,
        durationSeconds: seconds,
      });
      log(`  ${describeRun(run)}`);
      return run;
    });

    // Correctness: a refused or failed request would be cheap and inflate req/s.
    const failures = collectRunFailures(targets);
    const accepted2xx = (name: string) =>
      targets
        .filter((target) => target.name === name)
        .flatMap((target) => [...target.warmup, ...target.runs])
        .reduce((sum, run) => sum + run.ok2xx, 0);
    // WSSE headers and api_keys payloads share one replay store (O-8, W-6).
    const nonceAccepted = checkNonces + accepted2xx('wsse') + accepted2xx('api_keys');
    const nonceRecords = countNonceRecords(keygate.sqliteFile);
    if (nonceRecords < nonceAccepted) {
      failures.push(
        `keygate answered ${nonceAccepted} WSSE/api_keys requests with 2xx but holds only ${nonceRecords} consumed nonces`,
      );
    }
    let refreshRecords: RefreshTokenRecords | null = null;
    if (pool !== null) {
      refreshRecords = readRefreshTokenRecords(keygate.sqliteFile);
      // The pre-flight check consumed one token, and revoked its family on purpose.
      const refreshAccepted = 1 + accepted2xx('refresh_token');
      if (refreshRecords.consumed < refreshAccepted) {
        failures.push(
          `keygate answered ${refreshAccepted} refreshes with 2xx but holds only ${refreshRecords.consumed} consumed refresh tokens`,
        );
      }
      if (refreshRecords.consumedWithoutSuccessor > 0) {
        failures.push(
          `${refreshRecords.consumedWithoutSuccessor} consumed refresh tokens have no successor`,
        );
      }
      if (refreshRecords.distinctSuccessors !== refreshRecords.consumed) {
        failures.push(
          `${refreshRecords.consumed} consumed refresh tokens but ${refreshRecords.distinctSuccessors} distinct successors`,
        );
      }
      if (refreshRecords.revokedFamilies !== 1) {
        failures.push(
          `${refreshRecords.revokedFamilies} revoked token families (expected 1, the pre-flight check's): a refresh token was presented twice`,
        );
      }
      if (pool.duplicates > 0) {
        failures.push(
          `keygate answered ${pool.duplicates} refreshes with a refresh token issued before`,
        );
      }
    }

    const summaries = new Map(
      targets.map((target) => [target.name, summarizeTarget(target.name, target.runs)]),
    );
    const comparisons: Comparison[] = [];
    const compare = (subject: string, baseline: string, target: number) => {
      const a = summaries.get(baseline);
      const b = summaries.get(subject);
      if (a && b) comparisons.push(compareTargets(a, b, target));
    };
    compare('wsse', 'bare', options.target);
    compare('bearer', 'bare', options.bearerTarget);
    compare('api_keys', 'oidc_client_credentials', options.apiKeysTarget);

    const finishedAt = new Date();
    const checksLine = [
      `nonces consumed by keygate: ${nonceRecords} (2xx WSSE/api_keys answers incl. checks: ${nonceAccepted})`,
      ...(refreshRecords && pool
        ? [
            `refresh tokens consumed: ${refreshRecords.consumed} (2xx refreshes incl. check: ${1 + accepted2xx('refresh_token')}), ` +
              `distinct successors: ${refreshRecords.distinctSuccessors}, revoked families: ${refreshRecords.revokedFamilies}, ` +
              `chains left: ${pool.available}`,
          ]
        : []),
      ...(oidcTokenHeader
        ? [`oidc-provider access token header: ${JSON.stringify(oidcTokenHeader)}`]
        : []),
    ].join('\n');
    process.stdout.write(
      `\n${options.rounds} × ${options.durationSeconds} s per target, ${options.connections} connections, ` +
        `pipelining ${options.pipelining}, everything that must be fresh built for every request` +
        `${options.cpuProf ? ' (CPU profiling on: figures are slowed down)' : ''}\n\n` +
        `${formatReport([...summaries.values()], comparisons)}\n${checksLine}\n`,
    );

    await mkdir(RESULTS_DIR, { recursive: true });
    const resultFile = join(RESULTS_DIR, `${stamp}.json`);
    const record = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      options,
      machine: describeMachine(),
      versions: {
        fastify: await packageVersion('fastify'),
        autocannon: await packageVersion('autocannon'),
        'oidc-provider': await packageVersion('oidc-provider'),
      },
      targets: Object.fromEntries(
        targets.map((target) => [
          target.name,
          {
            method: target.request.method,
            path: target.request.path,
            warmup: target.warmup,
            runs: target.runs,
          },
        ]),
      ),
      medians: Object.fromEntries(
        [...summaries].map(([name, summary]) => [name, { ...summary, runs: undefined }]),
      ),
      comparisons: comparisons.map((comparison) => ({
        name: comparison.name,
        ratio: comparison.ratio,
        roundRatios: comparison.roundRatios,
        target: comparison.target,
        verdict: comparison.verdict,
        cpuCostRatio: comparison.cpuCostRatio,
      })),
      checks: {
        nonceRecords,
        nonceAccepted,
        refreshRecords,
        oidcTokenHeader,
        failures,
      },
      cpuProfiles: profileDir,
    };
    await writeFile(resultFile, `${JSON.stringify(record, null, 2)}\n`);
    process.stdout.write(`results: ${resultFile}\n`);

    if (profileDir) {
      // Profiles are written when the servers exit.
      await cleanup.runAll();
      await printCpuProfiles(
        ['keygate', 'bare', 'oidc'].map((name) => ({ label: name, dir: join(profileDir, name) })),
      );
    }

    return reportFailures(failures);
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
