import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  type TestClient,
} from '../../server/test/support/oauth_fixtures.js';
import { countRequests, type RequestCounter } from '../../server/test/support/request_counter.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../../server/test/support/start_test_server.js';
import { HELP } from '../src/cli/main.js';
import { runClientInProcess, runClientProcess } from './support/run_client_cli.js';

/**
 * The `keygate-client` CLI (C-7): `token` runs the api_keys, client_credentials and refresh
 * grants and prints the token JSON; `call` makes authenticated requests with every strategy,
 * prints the body and exits 1 on HTTP errors; secrets come from env or stdin, an inline secret
 * warns; usage errors are one line on stderr with exit code 2.
 */
let server: TestServer;
let requests: RequestCounter;
let credential: SeededCredential;
let headless: TestClient;
let machine: TestClient;
let codeClient: TestClient;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  server.clock.set(Date.now());
  requests = countRequests(server);
  credential = await seedCredential(server, 'alice', 'acme');
  headless = await createClient(server, {
    name: 'Headless',
    redirectUris: [],
    grantTypes: ['api_keys'],
  });
  machine = await createClient(server, {
    name: 'Machine',
    redirectUris: [],
    grantTypes: ['client_credentials'],
  });
  codeClient = await createClient(server);
});
afterAll(() => server.close());
// Processes and pages use the real clock: keep the server's frozen clock next to it.
beforeEach(() => {
  if (server) server.clock.set(Date.now());
});

const me = () => `${server.url}/api/v1/me`;

describe('keygate-client token', () => {
  it('api-keys prints the token response, which works as a Bearer token', async () => {
    const result = await runClientInProcess(
      [
        'token',
        'api-keys',
        '--url',
        server.url,
        '--client-id',
        headless.clientId,
        '--key',
        credential.key,
        '--json',
      ],
      {
        env: {
          KEYGATE_CLIENT_SECRET: headless.clientSecret ?? '',
          KEYGATE_SECRET: credential.secret,
        },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const token = JSON.parse(result.stdout);
    expect(token).toMatchObject({ token_type: 'bearer', access_token: expect.any(String) });
    expect(token.refresh_token).toBeUndefined();
    const call = await runClientInProcess(['call', 'GET', me(), '--auth', 'bearer'], {
      env: { KEYGATE_TOKEN: token.access_token },
    });
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout)).toMatchObject({ scheme: 'bearer', user: { login: 'alice' } });
  });

  it('client-credentials with --basic, the client secret from stdin', async () => {
    const result = await runClientInProcess(
      [
        'token',
        'client-credentials',
        '--url',
        server.url,
        '--client-id',
        machine.clientId,
        '--basic',
        '--client-secret-stdin',
      ],
      { input: `${machine.clientSecret}\n` },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ token_type: 'bearer' });
  });

  it('refresh redeems a refresh token and prints the new pair', async () => {
    const user = await createPasswordUser(server, 'carol', 'acme');
    const flow = await codeFlowTokens(server, codeClient, user);
    const result = await runClientInProcess(
      ['token', 'refresh', '--url', server.url, '--client-id', codeClient.clientId],
      {
        env: {
          KEYGATE_REFRESH_TOKEN: flow.refreshToken,
          KEYGATE_CLIENT_SECRET: codeClient.clientSecret ?? '',
        },
      },
    );
    expect(result.code).toBe(0);
    const token = JSON.parse(result.stdout);
    expect(token.refresh_token).toEqual(expect.any(String));
    expect(token.refresh_token).not.toBe(flow.refreshToken);
    // The same refresh token again is refused (single use, O-9): exit 1, OAuth error on stderr.
    const again = await runClientInProcess(
      ['token', 'refresh', '--url', server.url, '--client-id', codeClient.clientId],
      {
        env: {
          KEYGATE_REFRESH_TOKEN: flow.refreshToken,
          KEYGATE_CLIENT_SECRET: codeClient.clientSecret ?? '',
        },
      },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^keygate-client: invalid_grant/);
    expect(again.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(again.stderr).not.toContain(flow.refreshToken);
  });

  it('a wrong client secret: exit 1, invalid_client, the secret not echoed', async () => {
    const result = await runClientInProcess(
      ['token', 'client-credentials', '--url', server.url, '--client-id', machine.clientId],
      { env: { KEYGATE_CLIENT_SECRET: 'definitely-wrong-secret' } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^keygate-client: invalid_client/);
    expect(result.stderr).not.toContain('definitely-wrong-secret');
  });
});

describe('keygate-client call', () => {
  it('wsse (the default), as a separate process', async () => {
    const result = await runClientProcess(['call', 'GET', me(), '--key', credential.key], {
      env: { KEYGATE_SECRET: credential.secret },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ scheme: 'wsse', user: { login: 'alice' } });
  });

  it('api-keys and client-credentials', async () => {
    const viaKeys = await runClientInProcess(
      [
        'call',
        'GET',
        me(),
        '--auth',
        'api-keys',
        '--client-id',
        headless.clientId,
        '--key',
        credential.key,
      ],
      {
        env: {
          KEYGATE_CLIENT_SECRET: headless.clientSecret ?? '',
          KEYGATE_SECRET: credential.secret,
        },
      },
    );
    expect(viaKeys.code).toBe(0);
    expect(JSON.parse(viaKeys.stdout)).toMatchObject({
      scheme: 'bearer',
      user: { login: 'alice' },
    });
    const viaClient = await runClientInProcess(
      [
        'call',
        'GET',
        me(),
        '--auth',
        'client-credentials',
        '--client-id',
        machine.clientId,
        '--json',
      ],
      { env: { KEYGATE_CLIENT_SECRET: machine.clientSecret ?? '' } },
    );
    expect(viaClient.code).toBe(0);
    expect(JSON.parse(viaClient.stdout)).toMatchObject({
      status: 200,
      body: { scheme: 'bearer', client: { id: machine.clientId } },
    });
  });

  it('an HTTP error: the body on stdout, one line on stderr, exit 1', async () => {
    const result = await runClientInProcess(['call', 'GET', me(), '--key', credential.key], {
      env: { KEYGATE_SECRET: 'wrong' },
    });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: 'invalid_credentials' });
    expect(result.stderr).toMatch(
      /^keygate-client: GET \S+\/api\/v1\/me answered 401 invalid_credentials/,
    );
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('sends --data and --header with the request', async () => {
    requests.reset();
    const result = await runClientInProcess(
      [
        'call',
        'POST',
        me(),
        '--key',
        credential.key,
        '--data',
        '{"a":1}',
        '--header',
        'X-Trace: 42',
        '--json',
      ],
      { env: { KEYGATE_SECRET: credential.secret } },
    );
    // /api/v1/me has no POST route: authenticated, then 404 from the router.
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 404 });
    expect(requests.seen).toEqual([{ method: 'POST', path: '/api/v1/me' }]);
  });

  it('an inline --secret works but warns that it is visible in history', async () => {
    const result = await runClientInProcess([
      'call',
      'GET',
      me(),
      '--key',
      credential.key,
      '--secret',
      credential.secret,
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: --secret is visible in shell history/);
    expect(result.stderr).not.toContain(credential.secret);
  });
});

describe('usage', () => {
  it.each([
    [['header', '--key', 'k'], /API secret is required/],
    [['header'], /--key is required/],
    [['header', '--key', 'k', '--bogus'], /unknown option '--bogus'/],
    [['call', 'GET'], /call needs METHOD and URL/],
    [['call', 'GET', 'ftp://x/', '--key', 'k'], /must be http/],
    [['call', 'GET', 'http://127.0.0.1/', '--auth', 'magic'], /--auth must be one of/],
    [['token', 'password', '--url', 'http://127.0.0.1'], /token needs a grant/],
    [
      ['token', 'api-keys', '--client-id', 'c', '--key', 'k'],
      /--url \(or KEYGATE_URL\) is required/,
    ],
    [['nope'], /unknown command 'nope'/],
  ])('%j → exit 2 with one line on stderr', async (args, message) => {
    const result = await runClientInProcess(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('two secrets from stdin are refused', async () => {
    const result = await runClientInProcess(
      [
        'call',
        'GET',
        me(),
        '--auth',
        'api-keys',
        '--client-id',
        'c',
        '--key',
        'k',
        '--secret-stdin',
        '--client-secret-stdin',
      ],
      { input: 'x' },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/only one secret can be read from stdin/);
  });

  it.each([
    [['--help'], HELP.main],
    [['header', '--help'], HELP.header],
    [['token', '--help'], HELP.token],
    [['call', '-h'], HELP.call],
  ])('%j prints its help and exits 0', async (args, text) => {
    const result = await runClientInProcess(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(text);
    expect(result.stdout).toMatch(/^Usage:/);
  });
});
