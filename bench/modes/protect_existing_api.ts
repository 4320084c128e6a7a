/**
 * `npm run bench -- --protect`: what keygate costs in front of an API that already exists.
 * Side by side in one run on 127.0.0.1:
 * - forward auth: the same API (the bare Fastify route) behind nginx twice, `nginx → API`
 *   (`bench/servers/nginx_without_auth.conf`) and `nginx → keygate /auth/verify/nginx → API`
 *   (`examples/nginx/keygate.conf`, the configuration users copy), with Bearer tokens and
 *   with fresh WSSE headers; CPU per request is that of nginx, keygate and the API together;
 * - middleware: one Express 5 route without and with `keygateAuth` of `@keygate/express`
 *   (Bearer, verified locally), in one process.
 * Reported as req/s ratios, p99 added latency and CPU per request. See `bench/README.md`.
 *
 * @packageDocumentation
 */
import { createUsernameTokenSync } from '@keygate/wsse/node';
import {
  type ReverseProxy,
  startNginx,
} from '../../packages/server/test/support/reverse_proxy_process.js';
import type { ModeContext, ModeOutcome } from '../lib/bench_mode.js';
import { collectRunFailures } from '../lib/collect_run_failures.js';
import { countNonceRecords } from '../lib/count_nonce_records.js';
import { formatReport } from '../lib/format_report.js';
import { log } from '../lib/log.js';
import { measureInRounds } from '../lib/measure_in_rounds.js';
import { processCpuSeconds } from '../lib/read_service_cpu.js';
import {
  type LoadedServer,
  type LoadRequest,
  type LoadRunResult,
  runLoad,
} from '../lib/run_load.js';
import {
  type Comparison,
  compareTargets,
  comparisonRecord,
  summarizeTarget,
} from '../lib/summarize_runs.js';
import { apiKeysPayload, checkApiKeysGrant } from '../scenarios/api_keys.js';
import { checkBareAnswers } from '../scenarios/bare.js';
import { bearerMeRequest } from '../scenarios/bearer.js';
import { checkKeygateAuthenticates, wsseMeRequest } from '../scenarios/wsse.js';
import { setUpKeygateOAuth } from '../servers/register_oauth_client.js';
import { startBareServer } from '../servers/start_bare_server.js';
import { startExpressServer } from '../servers/start_express_server.js';
import { startKeygate } from '../servers/start_keygate.js';
import type { ServerProcess } from '../servers/start_server_process.js';

/** Required req/s ratios: against `nginx → API`, and against the unguarded Express route. */
const BEARER_TARGET = 0.7;
const WSSE_TARGET = 0.5;
const EXPRESS_TARGET = 0.85;
/** The latency pass: a rate every target carries with room to spare, over few connections. */
const LATENCY_RATE = 1_000;
const LATENCY_CONNECTIONS = 10;
/** Most p99 latency keygate may add at that rate, in ms. */
const ADDED_P99_TARGET_MS = 2;
/** Access tokens the Bearer target takes in turn. */
const BEARER_TOKENS = 8;

interface Target {
  readonly name: string;
  readonly server: LoadedServer;
  readonly request: LoadRequest;
  readonly warmup: LoadRunResult[];
  readonly runs: LoadRunResult[];
}

/**
 * nginx and the processes behind it as one server for the load run: its URL, and CPU summed
 * over every process that serves a request, so CPU per request is the whole path's.
 */
function behindNginx(
  name: string,
  proxy: ReverseProxy,
  processes: readonly ServerProcess[],
): LoadedServer {
  const pids = [proxy.pid, ...processes.map((p) => p.pid)];
  return {
    name,
    url: proxy.url,
    cpuSeconds() {
      let total = 0;
      for (const pid of pids) {
        const seconds = processCpuSeconds(pid);
        if (seconds === null) return null;
        total += seconds;
      }
      return total;
    },
    exited: () => processes.some((p) => p.exited()),
    output: () =>
      [`nginx:\n${proxy.output()}`, ...processes.map((p) => `${p.name}:\n${p.output()}`)].join(
        '\n',
      ),
  };
}

/** GET `url` with `headers`: its status and body. */
async function answerOf(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.text() };
}

/**
 * Runs the comparison: keygate on a fresh SQLite data dir, the bare API, the two nginx
 * instances and the Express app, pre-flight checks of each, warm-up, then `nginx_api`,
 * `nginx_keygate_bearer`, `nginx_keygate_wsse`, `express`, `express_keygate_bearer` in turn,
 * repeated, then each once at a fixed rate for its latency; afterwards keygate's consumed
 * nonces are checked against the WSSE 2xx answers.
 * @returns the table, the ratios and the p99 added; a failure for every check that failed.
 */
export async function protectExistingApi(context: ModeContext): Promise<ModeOutcome> {
  const { options, cleanup } = context;
  log('starting keygate (fresh SQLite data dir, API key via the CLI)…');
  const keygate = await startKeygate(cleanup, { nodeFlags: context.nodeFlags('keygate') });
  const { key, secret } = keygate.apiKey;
  const wsseHeader = () => createUsernameTokenSync({ username: key, secret }).header;
  const principalBody = await checkKeygateAuthenticates(keygate.server.url, wsseHeader, key);
  let checkNonces = 1;

  log('registering an OAuth client through the CLI, and getting access tokens…');
  const oauth = await setUpKeygateOAuth(keygate);
  const tokens: string[] = [];
  while (tokens.length < BEARER_TOKENS) {
    tokens.push(
      await checkApiKeysGrant(`${keygate.server.url}/oauth/token`, () =>
        apiKeysPayload(oauth, keygate.apiKey),
      ),
    );
    checkNonces += 1;
  }

  log('starting the API (the bare Fastify route) and nginx twice…');
  const api = await startBareServer(cleanup, principalBody, context.nodeFlags('api'));
  const upstream = new URL(api.url).host;
  const plain = await startNginx(
    { keygate: null, upstream },
    'bench/servers/nginx_without_auth.conf',
  );
  cleanup.add('stop nginx (no auth)', () => plain.stop());
  const guarded = await startNginx({ keygate: new URL(keygate.server.url).host, upstream });
  cleanup.add('stop nginx (forward auth)', () => guarded.stop());
  await checkBareAnswers(plain.url, wsseHeader(), principalBody);
  // Through the guarded nginx: a fresh header reaches the API, no header does not.
  await checkBareAnswers(guarded.url, wsseHeader(), principalBody);
  checkNonces += 1;
  const refused = await answerOf(`${guarded.url}/api/v1/me`);
  if (refused.status !== 401) {
    throw new Error(
      `nginx with forward auth let a request without credentials through (${refused.status})`,
    );
  }

  log('starting the Express app (@keygate/express, Bearer verified locally)…');
  const app = await startExpressServer(
    cleanup,
    keygate.server.url,
    principalBody,
    context.nodeFlags('express'),
  );
  const guardedRoute = await answerOf(`${app.url}/guarded`, {
    authorization: `Bearer ${tokens[0]}`,
  });
  const plainRoute = await answerOf(`${app.url}/plain`);
  const forged = await answerOf(`${app.url}/guarded`, { authorization: `Bearer ${tokens[0]}x` });
  if (
    guardedRoute.status !== 200 ||
    guardedRoute.body !== principalBody ||
    plainRoute.body !== principalBody ||
    forged.status !== 401
  ) {
    throw new Error(
      'Express: expected 200 with the body on both routes and 401 for a bad token, got ' +
        `${guardedRoute.status} / ${plainRoute.status} / ${forged.status}\n${app.output()}`,
    );
  }

  const targets: Target[] = [
    {
      name: 'nginx_api',
      server: behindNginx('nginx → API', plain, [api]),
      request: wsseMeRequest(wsseHeader, principalBody),
      warmup: [],
      runs: [],
    },
    {
      name: 'nginx_keygate_bearer',
      server: behindNginx('nginx → keygate → API', guarded, [keygate.server, api]),
      request: bearerMeRequest(tokens, wsseHeader, principalBody),
      warmup: [],
      runs: [],
    },
    {
      name: 'nginx_keygate_wsse',
      server: behindNginx('nginx → keygate → API', guarded, [keygate.server, api]),
      request: wsseMeRequest(wsseHeader, principalBody),
      warmup: [],
      runs: [],
    },
    {
      name: 'express',
      server: app,
      request: { ...bearerMeRequest(tokens, wsseHeader, principalBody), path: '/plain' },
      warmup: [],
      runs: [],
    },
    {
      name: 'express_keygate_bearer',
      server: app,
      request: { ...bearerMeRequest(tokens, wsseHeader, principalBody), path: '/guarded' },
      warmup: [],
      runs: [],
    },
  ];
  await measureInRounds(targets, options, async (target, seconds) => {
    const run = await runLoad({
      connections: options.connections,
      pipelining: options.pipelining,
      server: target.server,
      request: target.request,
      durationSeconds: seconds,
    });
    log(
      `  ${Math.round(run.requestsPerSecond)} req/s, p99 ${run.latencyP99} ms, ` +
        `CPU ${run.serverCpuMicrosPerRequest?.toFixed(0) ?? 'n/a'} µs/req, non-2xx ${run.non2xx}`,
    );
    return run;
  });

  // Latency where nothing queues: every target once at a fixed rate it easily carries.
  const latency = new Map<string, LoadRunResult>();
  for (const target of targets) {
    log(`latency: ${target.name}, ${LATENCY_RATE} req/s for ${options.durationSeconds} s…`);
    const run = await runLoad({
      connections: LATENCY_CONNECTIONS,
      pipelining: 1,
      overallRate: LATENCY_RATE,
      server: target.server,
      request: target.request,
      durationSeconds: options.durationSeconds,
    });
    log(`  p50 ${run.latencyP50} ms, p99 ${run.latencyP99} ms, non-2xx ${run.non2xx}`);
    latency.set(target.name, run);
  }

  const failures = collectRunFailures([
    ...targets,
    ...[...latency].map(([name, run]) => ({ name: `${name} (latency)`, warmup: [], runs: [run] })),
  ]);
  const wsseAccepted =
    targets
      .filter((target) => target.name === 'nginx_keygate_wsse')
      .flatMap((target) => [...target.warmup, ...target.runs])
      .reduce((sum, run) => sum + run.ok2xx, 0) + (latency.get('nginx_keygate_wsse')?.ok2xx ?? 0);
  const nonceAccepted = checkNonces + wsseAccepted;
  const nonceRecords = countNonceRecords(keygate.sqliteFile);
  if (nonceRecords < nonceAccepted) {
    failures.push(
      `the API got ${nonceAccepted} WSSE requests through keygate but keygate holds only ${nonceRecords} consumed nonces`,
    );
  }

  const summaries = new Map(
    targets.map((target) => [target.name, summarizeTarget(target.name, target.runs)]),
  );
  const comparisons: Comparison[] = [];
  const addedP99: Record<string, number> = {};
  for (const [name, baselineName, target] of [
    ['nginx_keygate_bearer', 'nginx_api', BEARER_TARGET],
    ['nginx_keygate_wsse', 'nginx_api', WSSE_TARGET],
    ['express_keygate_bearer', 'express', EXPRESS_TARGET],
  ] as const) {
    const subject = summaries.get(name);
    const baseline = summaries.get(baselineName);
    if (!baseline || !subject) continue;
    comparisons.push(compareTargets(baseline, subject, target));
    const subjectLatency = latency.get(name);
    const baselineLatency = latency.get(baselineName);
    if (subjectLatency && baselineLatency) {
      addedP99[name] = subjectLatency.latencyP99 - baselineLatency.latencyP99;
    }
  }
  const latencyLines = [
    `latency at ${LATENCY_RATE} req/s over ${LATENCY_CONNECTIONS} connections (p50 / p99 ms): ` +
      [...latency].map(([name, run]) => `${name} ${run.latencyP50} / ${run.latencyP99}`).join(', '),
    ...Object.entries(addedP99).map(
      ([name, ms]) =>
        `p99 added by keygate, ${name}: ${ms.toFixed(1)} ms (target ≤ ${ADDED_P99_TARGET_MS}) ` +
        (ms <= ADDED_P99_TARGET_MS ? 'PASS' : 'ABOVE'),
    ),
  ].join('\n');
  return {
    report:
      `\n${options.rounds} × ${options.durationSeconds} s per target, ${options.connections} connections, ` +
      `pipelining ${options.pipelining}; CPU of the nginx targets is nginx + keygate + API together\n\n` +
      `${formatReport([...summaries.values()], comparisons)}\n${latencyLines}\n` +
      `nonces consumed by keygate: ${nonceRecords} (WSSE requests that reached the API, incl. checks: ${nonceAccepted})`,
    record: {
      targets: Object.fromEntries(
        targets.map((target) => [target.name, { warmup: target.warmup, runs: target.runs }]),
      ),
      medians: Object.fromEntries(
        [...summaries].map(([name, summary]) => [name, { ...summary, runs: undefined }]),
      ),
      comparisons: comparisons.map(comparisonRecord),
      latency: Object.fromEntries(latency),
      addedP99Ms: addedP99,
      checks: { nonceRecords, nonceAccepted, failures },
    },
    failures,
  };
}
