/**
 * `npm run bench` (the default, `--store sqlite`): requests/s, side by side in one run on
 * 127.0.0.1, of keygate's WSSE-protected and Bearer-protected `GET /api/v1/me` against a bare
 * Fastify route, and of keygate's `api_keys` and `refresh_token` grants against
 * oidc-provider's `client_credentials` grant, reported as ratios. `--scenario` selects what
 * runs; each scenario brings its baseline. See `bench/README.md`.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import type { ModeContext, ModeOutcome } from '../lib/bench_mode.js';
import { collectRunFailures } from '../lib/collect_run_failures.js';
import { countNonceRecords } from '../lib/count_nonce_records.js';
import { describeError } from '../lib/describe_error.js';
import { formatReport } from '../lib/format_report.js';
import { log } from '../lib/log.js';
import { measureInRounds } from '../lib/measure_in_rounds.js';
import {
  type RefreshTokenRecords,
  readRefreshTokenRecords,
} from '../lib/read_refresh_token_records.js';
import { type LoadRequest, type LoadRunResult, runLoad } from '../lib/run_load.js';
import {
  type Comparison,
  compareTargets,
  comparisonRecord,
  summarizeTarget,
} from '../lib/summarize_runs.js';
import { apiKeysPayload, apiKeysRequest, checkApiKeysGrant } from '../scenarios/api_keys.js';
import { checkBareAnswers } from '../scenarios/bare.js';
import { bearerMeRequest, checkBearer } from '../scenarios/bearer.js';
import {
  checkOidcClientCredentials,
  clientCredentialsForm,
  clientCredentialsRequest,
} from '../scenarios/oidc_client_credentials.js';
import {
  checkRefreshGrant,
  checkRefreshRecords,
  mintRefreshChains,
  refreshPayload,
  refreshTokenRequest,
} from '../scenarios/refresh_token.js';
import { RefreshTokenPool } from '../scenarios/refresh_token_pool.js';
import { checkKeygateAuthenticates, wsseMeRequest } from '../scenarios/wsse.js';
import { type KeygateOAuth, setUpKeygateOAuth } from '../servers/register_oauth_client.js';
import { startBareServer } from '../servers/start_bare_server.js';
import { startKeygate } from '../servers/start_keygate.js';
import { startOidcProvider } from '../servers/start_oidc_provider.js';
import type { ServerProcess } from '../servers/start_server_process.js';

/** One thing measured: a server and what every request to it is. */
interface Target {
  readonly name: string;
  readonly server: ServerProcess;
  readonly request: LoadRequest;
  readonly warmup: LoadRunResult[];
  readonly runs: LoadRunResult[];
}

/** Access tokens the Bearer scenario takes in turn (several clients, one user). */
const BEARER_TOKENS = 8;

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

async function packageVersion(name: string): Promise<string> {
  const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(await readFile(url, 'utf8')) as { version: string }).version;
}

/**
 * Runs the SQLite comparison: keygate on a fresh data dir, the baselines the chosen
 * scenarios need (bare Fastify, oidc-provider), pre-flight checks of every server, warm-up,
 * then the targets in turn (`bare wsse bearer oidc_client_credentials api_keys
 * refresh_token`, repeated), and afterwards keygate's SQLite file checked against the 2xx
 * answers (consumed nonces, refresh token rotation).
 * @returns the table and the ratios; a failure for every correctness check that failed.
 */
export async function compareWithBaselines(context: ModeContext): Promise<ModeOutcome> {
  const { options, cleanup } = context;
  const scenarios = new Set(options.scenarios);
  log(`scenarios: ${options.scenarios.join(', ')}`);
  log('starting keygate (fresh SQLite data dir, API key via the CLI)…');
  const keygate = await startKeygate(cleanup, { nodeFlags: context.nodeFlags('keygate') });
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
    const bare = await startBareServer(cleanup, principalBody, context.nodeFlags('bare'));
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
    const oidc = await startOidcProvider(cleanup, { nodeFlags: context.nodeFlags('oidc') });
    const form = clientCredentialsForm(oidc.clientId, oidc.clientSecret);
    oidcTokenHeader = await checkOidcClientCredentials(
      `${oidc.server.url}/token`,
      form,
      clientCredentialsForm(oidc.clientId, `${oidc.clientSecret}x`),
    ).catch((error: unknown) => {
      throw new Error(`${describeError(error)}\noidc-provider's output:\n${oidc.server.output()}`);
    });
    add('oidc_client_credentials', oidc.server, clientCredentialsRequest(form, makeApiKeysPayload));
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
  // The pre-flight check consumed one token, and revoked its family on purpose.
  const refreshAccepted = 1 + accepted2xx('refresh_token');
  if (pool !== null) {
    refreshRecords = readRefreshTokenRecords(keygate.sqliteFile);
    failures.push(...checkRefreshRecords(refreshRecords, refreshAccepted, pool));
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

  const checksLine = [
    `nonces consumed by keygate: ${nonceRecords} (2xx WSSE/api_keys answers incl. checks: ${nonceAccepted})`,
    ...(refreshRecords && pool
      ? [
          `refresh tokens consumed: ${refreshRecords.consumed} (2xx refreshes incl. check: ${refreshAccepted}), ` +
            `distinct successors: ${refreshRecords.distinctSuccessors}, revoked families: ${refreshRecords.revokedFamilies}, ` +
            `chains left: ${pool.available}`,
        ]
      : []),
    ...(oidcTokenHeader
      ? [`oidc-provider access token header: ${JSON.stringify(oidcTokenHeader)}`]
      : []),
  ].join('\n');
  return {
    report:
      `\n${options.rounds} × ${options.durationSeconds} s per target, ${options.connections} connections, ` +
      `pipelining ${options.pipelining}, everything that must be fresh built for every request` +
      `${options.cpuProf ? ' (CPU profiling on: figures are slowed down)' : ''}\n\n` +
      `${formatReport([...summaries.values()], comparisons)}\n${checksLine}`,
    record: {
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
      comparisons: comparisons.map(comparisonRecord),
      checks: { nonceRecords, nonceAccepted, refreshRecords, oidcTokenHeader, failures },
    },
    failures,
  };
}
