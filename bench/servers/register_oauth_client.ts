/**
 * The OAuth side of keygate the benchmark needs, registered through the CLI as an operator
 * would: a user, and a confidential client.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { type KeygateTarget, keygateEnv, runCli } from './start_keygate.js';

/** A confidential client's id and secret, as `keygate client create --json` prints them. */
export interface OAuthClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The OAuth client and the user the benchmark registers on keygate. */
export interface KeygateOAuth extends OAuthClientCredentials {
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
): Promise<OAuthClientCredentials> {
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
