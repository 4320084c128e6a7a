import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type TestClient } from '../../server/test/support/oauth_fixtures.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../../server/test/support/start_test_server.js';
import {
  apiKeys,
  authorizationCode,
  clientCredentials,
  clientSecretBasic,
  clientSecretPost,
  createKeygateClient,
  InvalidResponseError,
  IssuerMismatchError,
  KeygateClientError,
  type KeygateClientErrorCode,
  KeygateHttpError,
  memoryTokenStorage,
  OAuthError,
  RequestRefusedError,
  requestToken,
  SessionExpiredError,
  StateMismatchError,
  TokenInvalidError,
  wsse,
} from '../src/index.js';

/** C-6: the SDK's errors are typed, carry a `code` from a closed union, and leak no secret. */
let server: TestServer;
let oauthClient: TestClient;
let credential: SeededCredential;
let plain: Server;
let plainUrl: string;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  server.clock.set(Date.now());
  credential = await seedCredential(server, 'alice', 'acme');
  oauthClient = await createClient(server, {
    name: 'Machine',
    redirectUris: [],
    grantTypes: ['client_credentials', 'api_keys'],
  });
  // An origin that answers 200 with a body that is not JSON.
  plain = createServer((_request, response) => response.end('hello'));
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.close();
  await new Promise((resolve) => plain.close(resolve));
});

const context = () => ({ baseUrl: server.url, fetch, now: server.clock.now });

describe('OAuthError', () => {
  it('carries error, error_description and status; the message has no secret', async () => {
    const wrongSecret = 'wrong-secret-value-123456';
    const error = await requestToken(context(), {
      clientId: oauthClient.clientId,
      clientAuthentication: clientSecretBasic(wrongSecret),
      params: { grant_type: 'client_credentials' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toBeInstanceOf(KeygateClientError);
    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_client', status: 401 });
    expect(typeof (error as OAuthError).error_description).toBe('string');
    expect(String((error as Error).message)).not.toContain(wrongSecret);
    expect(OAuthError.code).toBe('oauth_error');
  });

  it('an unknown grant is unsupported_grant_type with status 400', async () => {
    await expect(
      requestToken(context(), {
        clientId: oauthClient.clientId,
        clientAuthentication: clientSecretPost(oauthClient.clientSecret ?? ''),
        params: { grant_type: 'password' },
      }),
    ).rejects.toMatchObject({ error: 'unsupported_grant_type', status: 400 });
  });

  it('apiKeys with a wrong API secret: invalid_grant, the secret nowhere in the error', async () => {
    const client = createKeygateClient({
      baseUrl: server.url,
      auth: apiKeys({
        clientId: oauthClient.clientId,
        clientSecret: oauthClient.clientSecret ?? '',
        key: credential.key,
        secret: 'not-the-api-secret',
      }),
      now: server.clock.now,
    });
    const error = await client.request('GET', '/api/v1/me').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_grant', status: 400 });
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toMatch(
      /not-the-api-secret/,
    );
  });
});

describe('other errors', () => {
  it('KeygateHttpError: status, body and the parsed keygate error code', async () => {
    const client = createKeygateClient({
      baseUrl: server.url,
      auth: clientCredentials({
        clientId: oauthClient.clientId,
        clientSecret: oauthClient.clientSecret ?? '',
      }),
      now: server.clock.now,
    });
    const error = await client.request('GET', '/api/v1/nowhere').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeygateHttpError);
    expect(error).toMatchObject({ code: 'http_error', status: 404 });
    expect((error as KeygateHttpError).body.length).toBeGreaterThan(0);
  });

  it('InvalidResponseError for a 2xx token answer that is not JSON', async () => {
    const error = await requestToken(
      { baseUrl: plainUrl, fetch, now: Date.now },
      {
        clientId: 'x',
        clientAuthentication: clientSecretPost('y'),
        params: { grant_type: 'client_credentials' },
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).code).toBe('invalid_response');
  });

  it('every class has its own code from the closed union', () => {
    const codes: Record<KeygateClientErrorCode, string> = {
      oauth_error: OAuthError.code,
      http_error: KeygateHttpError.code,
      session_expired: SessionExpiredError.code,
      state_mismatch: StateMismatchError.code,
      issuer_mismatch: IssuerMismatchError.code,
      invalid_response: InvalidResponseError.code,
      token_invalid: TokenInvalidError.code,
      request_refused: RequestRefusedError.code,
    };
    for (const [code, fromClass] of Object.entries(codes)) expect(fromClass).toBe(code);
    expect(new SessionExpiredError()).toMatchObject({
      code: 'session_expired',
      name: 'SessionExpiredError',
      message: 'Session expired, sign in again.',
    });
  });

  it('caller misuse is a TypeError, not a client error', () => {
    expect(() => wsse({ key: '', secret: 's' })).toThrow(TypeError);
    expect(() => apiKeys({ clientId: 'c', key: 'k', secret: '' })).toThrow(TypeError);
    expect(() =>
      createKeygateClient({ baseUrl: 'ftp://x', auth: wsse({ key: 'k', secret: 's' }) }),
    ).toThrow(TypeError);
    const auth = authorizationCode({
      clientId: 'c',
      redirectUri: 'http://127.0.0.1/cb',
      scope: 's',
      storage: memoryTokenStorage(),
    });
    return expect(auth.authorizationUrl()).rejects.toBeInstanceOf(TypeError);
  });
});
