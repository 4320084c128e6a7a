import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS } from '../../src/core/oauth/access_token_check_cache.js';
import { setUserPassword } from '../../src/core/passwords/set_user_password.js';
import { authorizeThroughForms, type FormBrowser } from '../support/form_browser.js';
import { get } from '../support/http_client.js';
import {
  authorizeUrl,
  createClient,
  createPasswordUser,
  exchangeCode,
  refresh,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { runCliInProcess } from '../support/run_cli_in_process.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';

/**
 * Hardening item 5: after `keygate user set-password` the login page's session cookie
 * still signed the user in and their OAuth refresh tokens still refreshed; after `user
 * disable` and `user enable` the session and the refresh tokens came back. Now a password
 * change ends both (configuration `oauth.endSessionsOnPasswordChange`, default on) and
 * disabling ends them for good. The CLI changes the user over its own connection to the
 * SQLite file, as an operator would.
 */
let server: TestServer;
let carol: TestUser;
let client: TestClient;
let env: Record<string, string>;

async function start(endSessions?: boolean): Promise<void> {
  server = await startTestServer({
    store: 'sqlite',
    ...(endSessions === undefined
      ? {}
      : { config: { oauth: { endSessionsOnPasswordChange: endSessions } } }),
  });
  server.clock.set(Date.now());
  carol = await createPasswordUser(server, 'carol', 'acme');
  client = await createClient(server);
  env = {
    KEYGATE_DATA_DIR: dirname(server.sqliteFile ?? ''),
    ...(endSessions === undefined
      ? {}
      : { KEYGATE_OAUTH_END_SESSIONS_ON_PASSWORD_CHANGE: String(endSessions) }),
  };
}
afterEach(() => server.close());

/** Signs in on the pages and redeems the code: the browser (with its session) and the tokens. */
async function signIn(): Promise<{
  browser: FormBrowser;
  accessToken: string;
  refreshToken: string;
}> {
  const { url, verifier } = authorizeUrl(server, client);
  const { redirect, browser } = await authorizeThroughForms(url, carol);
  const exchanged = await exchangeCode(server, client, redirect, verifier);
  expect(exchanged.status, exchanged.text).toBe(200);
  const body = exchanged.json as { access_token: string; refresh_token: string };
  return { browser, accessToken: body.access_token, refreshToken: body.refresh_token };
}

/** Whether the browser's session still signs it in: the consent form, not the login form. */
async function signedIn(browser: FormBrowser): Promise<boolean> {
  const page = await browser.get(authorizeUrl(server, client).url);
  expect(page.status).toBe(200);
  if (page.body.includes('action="/oauth/consent"')) return true;
  expect(page.body).toContain('action="/oauth/login"');
  return false;
}

async function keygate(args: string[], input?: string): Promise<Record<string, unknown>> {
  const result = await runCliInProcess([...args, '--json'], {
    env,
    ...(input === undefined ? {} : { input }),
  });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

const setPassword = () =>
  keygate(['user', 'set-password', 'carol', '--password-stdin'], 'a whole new passphrase');

const withBearer = (token: string) =>
  get(`${server.url}/api/v1/me`, { authorization: `Bearer ${token}` });

describe('a password change ends sign-in sessions and refresh token families (default)', () => {
  it('the session cookie no longer signs in; the refresh token is invalid_grant', async () => {
    await start();
    const { browser, accessToken, refreshToken } = await signIn();
    expect(await signedIn(browser)).toBe(true);

    const changed = await setPassword();

    expect(await signedIn(browser)).toBe(false);
    const refused = await refresh(server, client, refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: 'invalid_grant' });
    server.clock.advance(DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS);
    expect((await withBearer(accessToken)).status).toBe(401);
    expect(changed).toMatchObject({
      login: 'carol',
      revoked_refresh_tokens: 0,
      revoked_token_families: 1,
    });

    // Signing in again with the new password gives a session and tokens that work.
    carol = { ...carol, password: 'a whole new passphrase' };
    const again = await signIn();
    expect(await signedIn(again.browser)).toBe(true);
    expect((await refresh(server, client, again.refreshToken)).status).toBe(200);
  });

  it('a sign-in with the old password racing the change gets no session', async () => {
    await start();
    // The change lands after the old password was checked and before the session is sealed.
    const { users } = server.store;
    const findSessionGeneration = users.findSessionGeneration.bind(users);
    let raced = false;
    Object.assign(users, {
      async findSessionGeneration(id: string) {
        if (!raced) {
          raced = true;
          await setUserPassword(server, carol.login, 'a whole new passphrase');
        }
        return findSessionGeneration(id);
      },
    });
    const { url } = authorizeUrl(server, client);
    await expect(authorizeThroughForms(url, carol)).rejects.toThrow('login was refused');
    expect(raced).toBe(true);
  });

  it('an authorization code issued before the change is invalid_grant', async () => {
    await start();
    const { url, verifier } = authorizeUrl(server, client);
    const { redirect } = await authorizeThroughForms(url, carol);
    await setPassword();
    const refused = await exchangeCode(server, client, redirect, verifier);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('disabling and re-enabling the user keeps the session and the families ended', async () => {
    await start();
    const { browser, refreshToken } = await signIn();
    expect(await signedIn(browser)).toBe(true);
    await keygate(['user', 'disable', 'carol']);
    await keygate(['user', 'enable', 'carol']);
    expect(await signedIn(browser)).toBe(false);
    const refused = await refresh(server, client, refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('oauth.endSessionsOnPasswordChange: false', () => {
  it('keeps the session and the refresh tokens', async () => {
    await start(false);
    const { browser, refreshToken } = await signIn();

    expect(await setPassword()).toMatchObject({ revoked_token_families: 0 });

    expect(await signedIn(browser)).toBe(true);
    expect((await refresh(server, client, refreshToken)).status).toBe(200);
  });
});
