import { createHash, randomBytes } from 'node:crypto';
import { UsernameToken } from 'wsse';
import {
  authorizeThroughForms,
  FormBrowser,
} from '../packages/server/test/support/form_browser.js';
import { type KeygateTarget, keygateEnv, runCli } from './start_keygate.js';

/** The OAuth client and the user the benchmark registers on keygate. */
export interface KeygateOAuth {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly user: { readonly login: string; readonly password: string };
}

/** Scope the bench client may request (and, on oidc-provider, its only scope). */
export const BENCH_SCOPE = 'documents:read';
/** Nothing listens there: the code is read from the redirect, never followed. */
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/**
 * Registers, through the CLI as an operator would, a user `bench` (password from stdin) in the
 * `default` organization, and a confidential client allowed the `api_keys`,
 * `authorization_code` and `refresh_token` grants and one scope, with consent skipped (a
 * first-party client) so that one sign-in yields any number of codes.
 * @throws Error with the CLI's output when a command fails.
 */
export async function setUpKeygateOAuth(keygate: KeygateTarget): Promise<KeygateOAuth> {
  const env = keygateEnv();
  const password = randomBytes(18).toString('base64url');
  await runCli(
    [
      '--data-dir',
      keygate.dataDir,
      'user',
      'create',
      'bench',
      '--org',
      'default',
      '--password-stdin',
    ],
    env,
    `${password}\n`,
  );
  const client = await createBenchClient(keygate.dataDir, env, [
    '--grant',
    'api_keys',
    '--grant',
    'authorization_code',
    '--grant',
    'refresh_token',
    '--scope',
    BENCH_SCOPE,
    '--redirect-uri',
    REDIRECT_URI,
    '--skip-consent',
  ]);
  return { ...client, redirectUri: REDIRECT_URI, user: { login: 'bench', password } };
}

/**
 * Registers a confidential client named `keygate bench` through the CLI:
 * `keygate --data-dir <dataDir> --json client create 'keygate bench' <flags>`.
 * @param flags - its grants, scopes and so on (`--grant api_keys --scope …`).
 * @throws Error when the command fails or does not print `{client_id, client_secret}`.
 */
export async function createBenchClient(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  flags: readonly string[],
): Promise<{ readonly clientId: string; readonly clientSecret: string }> {
  const stdout = await runCli(
    ['--data-dir', dataDir, '--json', 'client', 'create', 'keygate bench', ...flags],
    env,
  );
  const parsed = JSON.parse(stdout) as { client_id?: unknown; client_secret?: unknown };
  if (typeof parsed.client_id !== 'string' || typeof parsed.client_secret !== 'string') {
    throw new Error('keygate client create --json did not print {client_id, client_secret}');
  }
  return { clientId: parsed.client_id, clientSecret: parsed.client_secret };
}

/**
 * The `api_keys` grant body exactly as in the Node example of Penneo's OAuth documentation:
 * a new npm `wsse` `UsernameToken` for every request, and its `getNonceBase64()`,
 * `getCreated()` and `getPasswordDigest()`, sent as JSON (axios's default for an object).
 */
export function apiKeysPayload(
  client: { readonly clientId: string; readonly clientSecret: string },
  apiKey: { readonly key: string; readonly secret: string },
): string {
  const token = new UsernameToken({ username: apiKey.key, password: apiKey.secret });
  return JSON.stringify({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_type: 'api_keys',
    key: apiKey.key,
    nonce: token.getNonceBase64(),
    created_at: token.getCreated(),
    digest: token.getPasswordDigest(),
  });
}

/** The JSON body of a `refresh_token` grant request. */
export function refreshPayload(
  client: { readonly clientId: string; readonly clientSecret: string },
  refreshToken: string,
): string {
  return JSON.stringify({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
}

/** A status and the body exactly as sent. */
export interface PostAnswer {
  readonly status: number;
  readonly body: string;
}

/** POSTs `body` to `url` with the given content type. */
export async function post(url: string, body: string, contentType: string): Promise<PostAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}

/** Parses a token endpoint answer; null unless it is a JSON object. */
export function parseTokenBody(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Starts `count` refresh token chains, each its own token family: the authorization code
 * flow with PKCE S256 through keygate's real pages (one sign-in, then the session cookie;
 * the client skips consent), and the code exchanged at `/oauth/token`. Runs a few flows at
 * a time.
 * @returns the first refresh token of every chain.
 * @throws Error when a flow or an exchange does not succeed.
 */
export async function mintRefreshChains(
  baseUrl: string,
  oauth: KeygateOAuth,
  count: number,
): Promise<string[]> {
  const browser = new FormBrowser();
  // The first flow signs in; the others reuse its session.
  const first = await oneChain(baseUrl, oauth, browser);
  const tokens = [first];
  const parallel = 4;
  while (tokens.length < count) {
    const batch = Math.min(parallel, count - tokens.length);
    tokens.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () => oneChain(baseUrl, oauth, browser)),
      )),
    );
  }
  return tokens;
}

async function oneChain(
  baseUrl: string,
  oauth: KeygateOAuth,
  browser: FormBrowser,
): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: oauth.clientId,
    redirect_uri: oauth.redirectUri,
    scope: BENCH_SCOPE,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const { redirect } = await authorizeThroughForms(
    `${baseUrl}/oauth/authorize?${params}`,
    oauth.user,
    browser,
  );
  const code = redirect.searchParams.get('code');
  if (code === null) throw new Error(`authorize redirected without a code: ${redirect.search}`);
  const answer = await post(
    `${baseUrl}/oauth/token`,
    JSON.stringify({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: oauth.redirectUri,
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
    }),
    'application/json',
  );
  const refreshToken = parseTokenBody(answer.body)?.refresh_token;
  if (answer.status !== 200 || typeof refreshToken !== 'string') {
    throw new Error(`code exchange answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  }
  return refreshToken;
}
