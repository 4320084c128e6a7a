import { createUsernameTokenSync } from '@keygate/wsse/node';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordToken } from '../legacy/legacy_client.js';
import { requireOrSkip } from '../support/external_tools.js';
import { FormBrowser, hiddenFields } from '../support/form_browser.js';
import {
  authorizeUrl,
  codeFlowTokens,
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { registeredRoutes } from '../support/registered_routes.js';
import { canMountTmpfs, mountSmallTmpfs, type SmallTmpfs } from '../support/small_tmpfs.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';
import { truncateSqliteWal } from '../support/truncate_sqlite_wal.js';

/**
 * Issue 11, class 4: with the store failing, every endpoint that reaches it answers 503 with
 * `Retry-After` in its scheme's format, never a 500 (S-4). The table is checked against the
 * routes the app registered, so a new route without a row fails this test. The store fails
 * for real (its connections closed under the running server), not through a stand-in.
 */

/** One request a row sends once the store has failed. */
interface Case {
  readonly scheme: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly form?: Record<string, string>;
  readonly json?: unknown;
}

/**
 * What a row expects: `store` (503 + Retry-After), `store_via_nginx` (the same 503 shaped for
 * nginx `auth_request`: 401 with `X-Keygate-Status: 503`), or a status for routes that never
 * read it.
 */
interface Row {
  readonly route: string;
  readonly expect: 'store' | 'store_via_nginx' | 200;
  readonly cases: () => Case[];
}

let server: TestServer;
let user: TestUser;
let client: TestClient;
let credential: SeededCredential;
let accessToken: string;
let refreshToken: string;
let legacyJwt: string;
let legacyRefreshToken: string;
let code: string;
let codeVerifier: string;
let loginEnvelope: { cookie: string; fields: Record<string, string> };
let consentEnvelope: { cookie: string; fields: Record<string, string> };
let authorizeQuery: string;
const canMount = requireOrSkip('mount -t tmpfs', canMountTmpfs());

const wsse = () =>
  createUsernameTokenSync({
    username: credential.key,
    secret: credential.secret,
    now: () => new Date(server.clock.now()),
  });
const clientFields = () => ({
  client_id: client.clientId,
  client_secret: client.clientSecret ?? '',
});
const basic = () =>
  `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret ?? ''}`).toString('base64')}`;

const ROWS: Row[] = [
  { route: 'GET /healthz', expect: 200, cases: () => [get('none', '/healthz')] },
  { route: 'GET /readyz', expect: 'store', cases: () => [get('none', '/readyz')] },
  {
    route: 'GET /.well-known/oauth-authorization-server',
    expect: 200,
    cases: () => [get('none', '/.well-known/oauth-authorization-server')],
  },
  // Public keys are served from the signing keys this process holds; they never read the store.
  {
    route: 'GET /.well-known/jwks.json',
    expect: 200,
    cases: () => [get('none', '/.well-known/jwks.json')],
  },
  { route: 'GET /oauth/token/jwks', expect: 200, cases: () => [get('none', '/oauth/token/jwks')] },
  {
    route: 'POST /oauth/token',
    expect: 'store',
    cases: () => {
      const token = wsse().token;
      return [
        form('authorization_code', '/oauth/token', {
          ...clientFields(),
          grant_type: 'authorization_code',
          code,
          redirect_uri: client.redirectUri,
          code_verifier: codeVerifier,
        }),
        form('refresh_token', '/oauth/token', {
          ...clientFields(),
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        }),
        {
          ...form('client_credentials (Basic)', '/oauth/token', {
            grant_type: 'client_credentials',
          }),
          headers: { authorization: basic() },
        },
        form('api_keys', '/oauth/token', {
          ...clientFields(),
          grant_type: 'api_keys',
          key: credential.key,
          nonce: token.nonce,
          created_at: token.created,
          digest: token.passwordDigest,
        }),
      ];
    },
  },
  {
    route: 'POST /oauth/revoke',
    expect: 'store',
    cases: () => [form('revoke', '/oauth/revoke', { ...clientFields(), token: refreshToken })],
  },
  {
    route: 'POST /oauth/introspect',
    expect: 'store',
    cases: () => [
      form('introspect', '/oauth/introspect', { ...clientFields(), token: accessToken }),
    ],
  },
  {
    route: 'GET /oauth/authorize',
    expect: 'store',
    cases: () => [get('authorize page', `/oauth/authorize?${authorizeQuery}`)],
  },
  {
    route: 'GET /authorize',
    expect: 'store',
    cases: () => [get('authorize alias', `/authorize?${authorizeQuery}`)],
  },
  {
    route: 'GET /oauth/assets/keygate.css',
    expect: 200,
    cases: () => [get('none', '/oauth/assets/keygate.css')],
  },
  {
    route: 'POST /oauth/login',
    expect: 'store',
    cases: () => [
      {
        ...form('sign-in form', '/oauth/login', {
          ...loginEnvelope.fields,
          username: user.login,
          password: user.password,
        }),
        headers: { cookie: loginEnvelope.cookie },
      },
    ],
  },
  {
    route: 'POST /oauth/consent',
    expect: 'store',
    cases: () => [
      {
        ...form('consent form', '/oauth/consent', {
          ...consentEnvelope.fields,
          decision: 'approve',
        }),
        headers: { cookie: consentEnvelope.cookie },
      },
    ],
  },
  {
    route: 'POST /auth/api/v1/token/password',
    expect: 'store',
    cases: () => [
      json('legacy password', '/auth/api/v1/token/password', {
        username: user.login,
        password: user.password,
      }),
    ],
  },
  {
    route: 'POST /auth/api/v1/token/refresh',
    expect: 'store',
    cases: () => [
      json('legacy refresh', '/auth/api/v1/token/refresh', { token: legacyRefreshToken }),
    ],
  },
  {
    route: 'GET /api/v1/me',
    expect: 'store',
    cases: () => [
      get('WSSE', '/api/v1/me', { 'x-wsse': wsse().header }),
      get('Bearer', '/api/v1/me', { authorization: `Bearer ${accessToken}` }),
      get('X-Auth-Token', '/api/v1/me', { 'x-auth-token': legacyJwt }),
      get('Authorization: JWT', '/api/v1/me', { authorization: `JWT ${legacyJwt}` }),
    ],
  },
  {
    route: 'GET /api/v1/auth/token',
    expect: 'store',
    cases: () => [get('WSSE', '/api/v1/auth/token', { 'x-wsse': wsse().header })],
  },
  ...forwardAuthRows('/auth/verify', '/auth/verify', 'store'),
  ...forwardAuthRows('/auth/verify/envoy/*', '/auth/verify/envoy/orders/42', 'store'),
  ...forwardAuthRows('/auth/verify/nginx', '/auth/verify/nginx', 'store_via_nginx'),
];

/** Forward auth answers every method a proxy may send, with each scheme (R-2). */
function forwardAuthRows(route: string, path: string, expected: Row['expect']): Row[] {
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
  return methods.map((method) => ({
    route: `${method} ${route}`,
    expect: expected,
    cases: () =>
      [
        get('WSSE', path, { 'x-wsse': wsse().header }),
        get('Bearer', path, { authorization: `Bearer ${accessToken}` }),
        get('X-Auth-Token', path, { 'x-auth-token': legacyJwt }),
      ].map((c) => ({ ...c, method })),
  }));
}

function get(scheme: string, path: string, headers: Record<string, string> = {}): Case {
  return { scheme, method: 'GET', path, headers };
}
function form(scheme: string, path: string, fields: Record<string, string>): Case {
  return { scheme, method: 'POST', path, form: fields };
}
function json(scheme: string, path: string, body: unknown): Case {
  return { scheme, method: 'POST', path, json: body };
}

async function send(c: Case, method: string = c.method) {
  const headers: Record<string, string> = { ...c.headers };
  let body: string | undefined;
  if (c.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(c.form).toString();
  } else if (c.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(c.json);
  }
  const response = await request(`${server.url}${c.path}`, { method, headers, body });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text };
}

/** Creates everything the rows send: users, clients, tokens, a code and form envelopes. */
async function prepare(): Promise<void> {
  user = await createPasswordUser(server);
  client = await createClient(server, {
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'api_keys'],
  });
  credential = await seedCredential(server, 'dave');
  const tokens = await codeFlowTokens(server, client, user);
  accessToken = tokens.accessToken;
  refreshToken = tokens.refreshToken;
  const legacy = await passwordToken(server, {
    username: user.login,
    password: user.password,
    refresh: true,
  });
  legacyJwt = legacy.token;
  legacyRefreshToken = String(legacy.refresh_token);

  // An unredeemed code, and a browser on the sign-in page and one on the consent page.
  const signIn = new FormBrowser();
  const flow = authorizeUrl(server, client);
  codeVerifier = flow.verifier;
  authorizeQuery = new URL(flow.url).search.slice(1);
  const login = await signIn.get(flow.url);
  loginEnvelope = { cookie: signIn.cookieHeader(), fields: hiddenFields(login.body) };
  const consenting = new FormBrowser();
  const page = await consenting.get(flow.url);
  const signedIn = await consenting.post(`${server.url}/oauth/login`, {
    ...hiddenFields(page.body),
    username: user.login,
    password: user.password,
  });
  const consent = await consenting.get(signedIn.location ?? '');
  expect(consent.body).toContain('action="/oauth/consent"');
  consentEnvelope = { cookie: consenting.cookieHeader(), fields: hiddenFields(consent.body) };
  const approved = await consenting.post(`${server.url}/oauth/consent`, {
    ...consentEnvelope.fields,
    decision: 'approve',
  });
  code = new URL(approved.location ?? '').searchParams.get('code') ?? '';
  expect(code).not.toBe('');
  // A fresh consent envelope: the one above was used.
  const again = await consenting.get(flow.url);
  consentEnvelope = { cookie: consenting.cookieHeader(), fields: hiddenFields(again.body) };
}

it('has a row for every registered route, and a registered route for every row', async () => {
  const probe = await startTestServer();
  const registered = registeredRoutes(probe.app)
    .filter((route) => route.method !== 'HEAD')
    .map((route) => `${route.method} ${route.url}`)
    .sort();
  await probe.close();
  expect(ROWS.map((row) => row.route).sort()).toEqual(registered);
});

/** The routes whose errors are HTML pages (`errorScheme: 'page'`). */
const PAGE_PATHS = /^\/(oauth\/)?(authorize|login|consent)\b/;

/** Sends every case of `row`; `strict` demands the row's outcome, else only "no 500". */
async function checkRow(row: Row, strict: boolean): Promise<void> {
  for (const c of row.cases()) {
    const methods = c.method === 'GET' ? ['GET', 'HEAD'] : [c.method];
    for (const method of methods) {
      const answer = await send(c, method);
      const label = `${method} ${c.path.split('?')[0]} (${c.scheme}): ${answer.text}`;
      expect(answer.status, label).not.toBe(500);
      if (!strict && answer.status < 500) continue;
      if (row.expect === 200) {
        expect(answer.status, label).toBe(200);
        continue;
      }
      if (row.expect === 'store_via_nginx') {
        expect(answer.status, label).toBe(401);
        expect(answer.headers['x-keygate-status'], label).toBe('503');
        expect(answer.headers['x-keygate-error'], label).toBe('temporarily_unavailable');
      } else {
        expect(answer.status, label).toBe(503);
      }
      expect(answer.headers['retry-after'], label).toBe('5');
      if (method === 'HEAD' || row.expect === 'store_via_nginx') continue;
      if (PAGE_PATHS.test(c.path)) {
        // The sign-in and consent pages answer the person in the browser with a page.
        expect(answer.headers['content-type'], label).toMatch(/^text\/html/);
        expect(answer.text, label).toContain('Try again shortly');
        continue;
      }
      const body = JSON.parse(answer.text) as Record<string, unknown>;
      if (c.path === '/readyz') {
        expect(body, label).toEqual({ status: 'unavailable', failed: ['database'] });
      } else {
        expect(body.error, label).toBe('temporarily_unavailable');
      }
    }
  }
}

describe('with the store closed under the running server', () => {
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    await prepare();
    await server.store.close();
  });
  afterAll(() => server.close());

  it.each(ROWS.map((row) => [row.route, row] as const))(
    '%s answers 503 + Retry-After where it reaches the store, never 500',
    (_route, row) => checkRow(row, true),
  );
});

/**
 * The driver's own errors: on a full disk reads still work and writes fail with SQLITE_FULL
 * (inside transactions too), so a route may succeed or refuse, but a refusal for the store is
 * 503 + Retry-After and nothing is ever a 500.
 */
describe.runIf(canMount)('with the database on a full disk', () => {
  let disk: SmallTmpfs;
  beforeAll(async () => {
    disk = await mountSmallTmpfs(4096);
    server = await startTestServer({ store: 'sqlite', sqliteDir: disk.dir });
    await prepare();
    truncateSqliteWal(server.sqliteFile as string);
    disk.fill();
  });
  afterAll(async () => {
    disk.free();
    await server.close();
    await disk.dispose();
  });

  it.each(ROWS.map((row) => [row.route, row] as const))(
    '%s never answers 500; a 5xx is 503 + Retry-After',
    (_route, row) => checkRow(row, false),
  );
});
