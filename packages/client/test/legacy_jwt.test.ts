import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setUserPassword } from '../../server/src/core/passwords/set_user_password.js';
import { createPasswordUser, type TestUser } from '../../server/test/support/oauth_fixtures.js';
import { countRequests, type RequestCounter } from '../../server/test/support/request_counter.js';
import { startTestServer, type TestServer } from '../../server/test/support/start_test_server.js';
import {
  type AuthStrategy,
  createKeygateClient,
  InvalidResponseError,
  type KeygateClient,
  KeygateHttpError,
  legacyJwt,
} from '../src/index.js';
import { runClientInProcess } from './support/run_client_cli.js';

/**
 * The legacy JWT strategy against the server's legacy endpoints (C-5, L-1..L-3; issue 4
 * acceptance 1 for `legacyJwt`): signs in once with `refresh: true`, sends `X-Auth-Token`,
 * renews through the refresh endpoint 5 s before the JWT's `exp` (one request for 20
 * concurrent callers), and stops after one renewal attempt when the server keeps refusing.
 */
const PASSWORD = '/auth/api/v1/token/password';
const REFRESH = '/auth/api/v1/token/refresh';
const JWT_LIFETIME_MS = 3_600_000;

let server: TestServer;
let requests: RequestCounter;
let user: TestUser;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  requests = countRequests(server);
  user = await createPasswordUser(server, 'dave', 'acme', 'legacy password 123');
});
afterAll(() => server.close());

let auth: AuthStrategy;
let client: KeygateClient;
beforeEach(() => {
  server.clock.set(Math.floor(Date.now() / 1000) * 1000);
  auth = legacyJwt({ username: user.login, password: user.password });
  client = createKeygateClient({ baseUrl: server.url, auth, now: server.clock.now });
  requests.reset();
});

const seen = () => requests.seen.map((r) => `${r.method} ${r.path}`);

describe('legacyJwt', () => {
  it('authenticates GET /api/v1/me with X-Auth-Token after one password sign-in', async () => {
    const sent: Headers[] = [];
    const watched = createKeygateClient({
      baseUrl: server.url,
      auth,
      now: server.clock.now,
      fetch: async (url, init) => {
        sent.push(new Headers(init?.headers));
        return fetch(url, init);
      },
    });
    const me = await watched.json('GET', '/api/v1/me');
    await watched.json('GET', '/api/v1/me');
    expect(me).toMatchObject({
      scheme: 'legacy_jwt',
      user: { login: 'dave' },
      organization: { name: 'acme' },
    });
    expect(seen()).toEqual([`POST ${PASSWORD}`, 'GET /api/v1/me', 'GET /api/v1/me']);
    expect(sent.at(-1)?.get('x-auth-token')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sent.at(-1)?.get('authorization')).toBeNull();
  });

  it('renews through the refresh endpoint 5 s before exp, once for 20 concurrent calls', async () => {
    await client.request('GET', '/api/v1/me');
    server.clock.advance(JWT_LIFETIME_MS - 6000);
    await client.request('GET', '/api/v1/me');
    expect(requests.count('POST', REFRESH)).toBe(0);

    server.clock.advance(1000);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => client.request('GET', '/api/v1/me')),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(requests.count('POST', REFRESH)).toBe(1);
    expect(requests.count('POST', PASSWORD)).toBe(1);
    expect(requests.count('GET', '/api/v1/me')).toBe(22);
  });

  it('after a password change: one refresh, one sign-in attempt, then KeygateHttpError, no loop', async () => {
    const other = await createPasswordUser(server, 'erin', 'acme', 'first password 123');
    const erinAuth = legacyJwt({ username: other.login, password: other.password });
    const erin = createKeygateClient({
      baseUrl: server.url,
      auth: erinAuth,
      now: server.clock.now,
    });
    await erin.request('GET', '/api/v1/me');
    await setUserPassword(server, other.login, 'second password 456');
    // R-3 allows a change made outside the HTTP routes to be seen up to 5 s later.
    server.clock.advance(5000);
    requests.reset();

    const error = await erin.request('GET', '/api/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeygateHttpError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_credentials' });
    expect(seen()).toEqual(['GET /api/v1/me', `POST ${REFRESH}`, `POST ${PASSWORD}`]);
  });

  it('a wrong password is a KeygateHttpError 401 invalid_credentials', async () => {
    const wrong = createKeygateClient({
      baseUrl: server.url,
      auth: legacyJwt({ username: user.login, password: 'not the password' }),
      now: server.clock.now,
    });
    await expect(wrong.request('GET', '/api/v1/me')).rejects.toMatchObject({
      code: 'http_error',
      status: 401,
      error: 'invalid_credentials',
    });
    expect(seen()).toEqual([`POST ${PASSWORD}`]);
  });

  it('a 2xx sign-in answer without a token is an InvalidResponseError', async () => {
    const posted: string[] = [];
    const noToken = createKeygateClient({
      baseUrl: server.url,
      auth: legacyJwt({ username: user.login, password: user.password }),
      fetch: async (url, init) => {
        posted.push(`${init?.method} ${new URL(url).pathname}`);
        return Response.json({ refresh_token: 'r' });
      },
    });
    const error = await noToken.request('GET', '/api/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect(posted).toEqual([`POST ${PASSWORD}`]);
  });

  it('keygate-client call --auth legacy-jwt', async () => {
    server.clock.set(Date.now());
    const result = await runClientInProcess(
      ['call', 'GET', `${server.url}/api/v1/me`, '--auth', 'legacy-jwt', '--username', user.login],
      { env: { KEYGATE_PASSWORD: user.password } },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      scheme: 'legacy_jwt',
      user: { login: 'dave' },
    });
  });
});
