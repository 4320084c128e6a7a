import * as oauth from 'oauth4webapi';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeInChromium } from '../support/chromium_authorize.js';
import { chromiumAvailable, launchChromium } from '../support/chromium_browser.js';
import {
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { type RedirectReceiver, startRedirectReceiver } from '../support/redirect_receiver.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/**
 * Issue acceptance 1 (O-3..O-12, R-1, R-3): a certified OAuth client (oauth4webapi) against a
 * real keygate, with a real browser (Chromium) on the login and consent pages and a real
 * HTTP server behind the client's redirect URI.
 */

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const SCOPE = 'documents:read';

let server: TestServer;
let receiver: RedirectReceiver;
let browser: Browser;
let user: TestUser;
let as: oauth.AuthorizationServer;

/** One authorization through Chromium, as a client app would run it. */
async function authorize(
  client: TestClient,
  signIn: boolean,
): Promise<{ params: URLSearchParams; verifier: string; landed: URL }> {
  const verifier = oauth.generateRandomCodeVerifier();
  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint ?? '');
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: SCOPE,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const landed = await authorizeInChromium(page, url.href, {
      ...(signIn ? { user: { login: user.login, password: user.password } } : {}),
      redirectUri: client.redirectUri,
    });
    // The redirect really reached the client's server, with exactly what the browser shows.
    const received = receiver.lastOn(new URL(client.redirectUri).pathname);
    expect(received?.search).toBe(landed.search);
    expect(landed.searchParams.get('iss')).toBe(server.config.issuer);
    // Throws unless `iss` is the discovered issuer and `state` is ours, and there is no error.
    const params = oauth.validateAuthResponse(as, { client_id: client.clientId }, landed, state);
    return { params, verifier, landed };
  } finally {
    await context.close();
  }
}

async function me(accessToken: string): Promise<Response> {
  return oauth.protectedResourceRequest(
    accessToken,
    'GET',
    new URL(`${server.url}/api/v1/me`),
    undefined,
    undefined,
    insecure,
  );
}

/** /api/v1/me must refuse the token with a Bearer `invalid_token` challenge (RFC 6750 §3). */
async function expectBearerRefused(accessToken: string): Promise<void> {
  const error = await me(accessToken).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
  const challenge = error as oauth.WWWAuthenticateChallengeError;
  expect(challenge.status).toBe(401);
  const bearer = challenge.cause.find((c) => c.scheme === 'bearer');
  expect(bearer?.parameters.error).toBe('invalid_token');
}

async function introspect(client: TestClient, token: string) {
  const response = await oauth.introspectionRequest(
    as,
    { client_id: client.clientId },
    oauth.ClientSecretBasic(client.clientSecret ?? ''),
    token,
    insecure,
  );
  return oauth.processIntrospectionResponse(as, { client_id: client.clientId }, response);
}

async function refreshError(promise: Promise<unknown>): Promise<oauth.ResponseBodyError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(oauth.ResponseBodyError);
  return error as oauth.ResponseBodyError;
}

describe.runIf(chromiumAvailable())('oauth4webapi + Chromium against keygate', () => {
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    // oauth4webapi checks times against the real clock.
    server.clock.set(Date.now());
    user = await createPasswordUser(server);
    receiver = await startRedirectReceiver();
    browser = await launchChromium();
    const issuer = new URL(server.url);
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
    as = await oauth.processDiscoveryResponse(issuer, response);
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });

  it('discovers every endpoint from RFC 8414 metadata', () => {
    expect(as.issuer).toBe(server.config.issuer);
    expect(as.authorization_endpoint).toBe(`${server.url}/oauth/authorize`);
    expect(as.token_endpoint).toBe(`${server.url}/oauth/token`);
    expect(as.jwks_uri).toBe(`${server.url}/oauth/token/jwks`);
    expect(as.revocation_endpoint).toBe(`${server.url}/oauth/revoke`);
    expect(as.introspection_endpoint).toBe(`${server.url}/oauth/introspect`);
    expect(as.code_challenge_methods_supported).toContain('S256');
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.grant_types_supported).toEqual(
      expect.arrayContaining([
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'api_keys',
      ]),
    );
  });

  it('confidential client (client_secret_basic): code → tokens → API → refresh; a replayed refresh token is refused and burns the family', async () => {
    const client = await createClient(server, { redirectUris: [receiver.uri('/cb/basic')] });
    const clientMeta: oauth.Client = { client_id: client.clientId };
    const auth = oauth.ClientSecretBasic(client.clientSecret ?? '');

    const { params, verifier } = await authorize(client, true);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      clientMeta,
      await oauth.authorizationCodeGrantRequest(
        as,
        clientMeta,
        auth,
        params,
        client.redirectUri,
        verifier,
        insecure,
      ),
    );
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.scope).toBe(SCOPE);
    expect(typeof tokens.refresh_token).toBe('string');

    const profile = await (await me(tokens.access_token)).json();
    expect(profile).toMatchObject({
      user: { login: user.login },
      organization: { name: user.organization },
      client: { id: client.clientId },
      scopes: [SCOPE],
      scheme: 'bearer',
    });

    const live = await introspect(client, tokens.access_token);
    expect(live).toMatchObject({
      active: true,
      token_type: 'access_token',
      client_id: client.clientId,
      scope: SCOPE,
      username: user.login,
      iss: server.config.issuer,
    });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      clientMeta,
      await oauth.refreshTokenGrantRequest(
        as,
        clientMeta,
        auth,
        tokens.refresh_token ?? '',
        insecure,
      ),
    );
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toBeTypeOf('string');
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.scope).toBe(SCOPE);
    expect(await (await me(refreshed.access_token)).json()).toMatchObject({
      user: { login: user.login },
      scheme: 'bearer',
    });

    // The consumed refresh token, replayed as a raw RFC 6749 request: invalid_grant (O-9) …
    const replay = await postToken(
      server,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' },
      { basic: { id: client.clientId, secret: client.clientSecret ?? '' } },
    );
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ error: 'invalid_grant' });
    // … and the replay revoked the whole family: the successor pair is dead too (O-9, R-3).
    await expectBearerRefused(refreshed.access_token);
    const successor = await refreshError(
      oauth
        .refreshTokenGrantRequest(as, clientMeta, auth, refreshed.refresh_token ?? '', insecure)
        .then((r) => oauth.processRefreshTokenResponse(as, clientMeta, r)),
    );
    expect(successor.error).toBe('invalid_grant');
  });

  it('confidential client (client_secret_post): revoking the refresh token kills its family; introspection follows (RFC 7009, RFC 7662, R-3)', async () => {
    const client = await createClient(server, { redirectUris: [receiver.uri('/cb/post')] });
    const clientMeta: oauth.Client = { client_id: client.clientId };
    const auth = oauth.ClientSecretPost(client.clientSecret ?? '');

    const { params, verifier } = await authorize(client, true);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      clientMeta,
      await oauth.authorizationCodeGrantRequest(
        as,
        clientMeta,
        auth,
        params,
        client.redirectUri,
        verifier,
        insecure,
      ),
    );
    const refreshToken = tokens.refresh_token ?? '';
    expect((await me(tokens.access_token)).status).toBe(200);
    expect(await introspect(client, tokens.access_token)).toMatchObject({ active: true });
    expect(await introspect(client, refreshToken)).toMatchObject({
      active: true,
      token_type: 'refresh_token',
      client_id: client.clientId,
    });

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, clientMeta, auth, refreshToken, insecure),
    );

    const refused = await refreshError(
      oauth
        .refreshTokenGrantRequest(as, clientMeta, auth, refreshToken, insecure)
        .then((r) => oauth.processRefreshTokenResponse(as, clientMeta, r)),
    );
    expect(refused.error).toBe('invalid_grant');
    // The access token is an unexpired, validly signed JWT, yet it stops working.
    await expectBearerRefused(tokens.access_token);
    expect(await introspect(client, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(client, refreshToken)).toEqual({ active: false });
  });

  it('confidential client: revoking an access token stops that token only', async () => {
    const client = await createClient(server, { redirectUris: [receiver.uri('/cb/at')] });
    const clientMeta: oauth.Client = { client_id: client.clientId };
    const auth = oauth.ClientSecretBasic(client.clientSecret ?? '');
    const { params, verifier } = await authorize(client, true);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      clientMeta,
      await oauth.authorizationCodeGrantRequest(
        as,
        clientMeta,
        auth,
        params,
        client.redirectUri,
        verifier,
        insecure,
      ),
    );
    expect(await introspect(client, tokens.access_token)).toMatchObject({ active: true });
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, clientMeta, auth, tokens.access_token, {
        ...insecure,
        additionalParameters: { token_type_hint: 'access_token' },
      }),
    );
    await expectBearerRefused(tokens.access_token);
    expect(await introspect(client, tokens.access_token)).toEqual({ active: false });
    // The refresh token was not revoked: it still yields a working pair.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      clientMeta,
      await oauth.refreshTokenGrantRequest(
        as,
        clientMeta,
        auth,
        tokens.refresh_token ?? '',
        insecure,
      ),
    );
    expect((await me(refreshed.access_token)).status).toBe(200);
  });

  it('public client (token_endpoint_auth_method none): code + PKCE → tokens → API → refresh → revoke', async () => {
    const client = await createClient(server, {
      public: true,
      redirectUris: [receiver.uri('/cb/public')],
    });
    expect(client.clientSecret).toBeNull();
    const clientMeta: oauth.Client = { client_id: client.clientId };
    const auth = oauth.None();

    // A fresh browser context: signs in again.
    const { params, verifier } = await authorize(client, true);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      clientMeta,
      await oauth.authorizationCodeGrantRequest(
        as,
        clientMeta,
        auth,
        params,
        client.redirectUri,
        verifier,
        insecure,
      ),
    );
    expect(await (await me(tokens.access_token)).json()).toMatchObject({
      user: { login: user.login },
      client: { id: client.clientId },
      scheme: 'bearer',
    });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      clientMeta,
      await oauth.refreshTokenGrantRequest(
        as,
        clientMeta,
        auth,
        tokens.refresh_token ?? '',
        insecure,
      ),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await me(refreshed.access_token)).status).toBe(200);

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, clientMeta, auth, refreshed.refresh_token ?? '', insecure),
    );
    await expectBearerRefused(refreshed.access_token);
    const refused = await refreshError(
      oauth
        .refreshTokenGrantRequest(as, clientMeta, auth, refreshed.refresh_token ?? '', insecure)
        .then((r) => oauth.processRefreshTokenResponse(as, clientMeta, r)),
    );
    expect(refused.error).toBe('invalid_grant');

    // Introspection is for confidential clients only (metadata lists no `none` method for it).
    const introspection = await oauth
      .introspectionRequest(as, clientMeta, auth, refreshed.access_token, insecure)
      .then((r) => oauth.processIntrospectionResponse(as, clientMeta, r))
      .then(
        () => null,
        (e: unknown) => e as { status?: number },
      );
    expect(introspection?.status).toBe(401);
  });
});
