import { createHash, randomBytes } from 'node:crypto';
import {
  type OAuthClientSettings,
  registerOAuthClient,
} from '../../src/core/admin/oauth_clients.js';
import { createOrganization } from '../../src/core/admin/organizations.js';
import { createUser } from '../../src/core/admin/users.js';
import { authorizeThroughForms } from './form_browser.js';
import type { TestServer } from './start_test_server.js';
import { postToken } from './token_client.js';

/** A user who can sign in on the login page. */
export interface TestUser {
  readonly login: string;
  readonly password: string;
  readonly organization: string;
}

/** Creates an organization (if needed) and a user with a password. */
export async function createPasswordUser(
  server: TestServer,
  login = 'carol',
  organization = 'acme',
  password = 'correct horse battery staple',
): Promise<TestUser> {
  if (!(await server.store.organizations.findByName(organization))) {
    await createOrganization(server, organization);
  }
  await createUser(server, { login, organization, password });
  return { login, password, organization };
}

/** A registered client with its secret. */
export interface TestClient {
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly redirectUri: string;
}

/** Registers a confidential client for the code flow (unless settings say otherwise). */
export async function createClient(
  server: TestServer,
  settings: Partial<OAuthClientSettings> = {},
): Promise<TestClient> {
  const redirectUri = settings.redirectUris?.[0] ?? 'http://127.0.0.1:9/callback';
  const { client, secret } = await registerOAuthClient(server, {
    name: 'Test App',
    redirectUris: [redirectUri],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['documents:read', 'documents:write'],
    ...settings,
  });
  return { clientId: client.clientId, clientSecret: secret, redirectUri };
}

/** A PKCE S256 pair. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An authorize URL with PKCE S256 for a client. */
export function authorizeUrl(
  server: TestServer,
  client: TestClient,
  extra: Record<string, string> = {},
): { url: string; verifier: string } {
  const { verifier, challenge } = pkcePair();
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: 'documents:read',
    state: 'st-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url: `${server.url}/oauth/authorize?${params}`, verifier };
}

/** Tokens from one authorization code flow. */
export interface FlowTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly body: Record<string, unknown>;
}

/** Runs the code flow through the real pages and exchanges the code. */
export async function codeFlowTokens(
  server: TestServer,
  client: TestClient,
  user: TestUser,
  extra: Record<string, string> = {},
): Promise<FlowTokens> {
  const { url, verifier } = authorizeUrl(server, client, extra);
  const { redirect } = await authorizeThroughForms(url, user);
  const response = await exchangeCode(server, client, redirect, verifier);
  if (response.status !== 200) throw new Error(`code exchange failed: ${response.text}`);
  const body = response.json as Record<string, unknown>;
  return {
    accessToken: String(body.access_token),
    refreshToken: String(body.refresh_token),
    body,
  };
}

/** Redeems the code of an authorization response (`redirect`) with its PKCE verifier. */
export function exchangeCode(
  server: TestServer,
  client: TestClient,
  redirect: URL,
  verifier: string,
) {
  return postToken(server, {
    grant_type: 'authorization_code',
    code: redirect.searchParams.get('code') ?? '',
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
  });
}

/** Redeems a refresh token for a client. */
export function refresh(
  server: TestServer,
  client: TestClient,
  refreshToken: string,
  extra: Record<string, string> = {},
) {
  return postToken(server, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    ...extra,
  });
}

/** Revokes a token (RFC 7009) as `client`: a refresh token revokes its whole family. */
export function revokeToken(server: Pick<TestServer, 'url'>, client: TestClient, token: string) {
  return postToken(
    server,
    {
      token,
      client_id: client.clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    },
    { path: '/oauth/revoke' },
  );
}
