import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser, hiddenFields } from '../support/form_browser.js';
import {
  authorizeUrl,
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';

/**
 * Issue 11, defect 2: repeated fields, a JSON object as username or a number as password
 * at the sign-in form answered 500 `server_error`. Each is now a 400 error page naming the
 * field.
 */
let server: TestServer;
let user: TestUser;
let client: TestClient;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  user = await createPasswordUser(server);
  client = await createClient(server);
});
afterAll(() => server.close());

/** A browser on the sign-in page, with the page's hidden fields (CSRF token, sealed request). */
async function onSignInPage(): Promise<{ browser: FormBrowser; hidden: Record<string, string> }> {
  const browser = new FormBrowser();
  const page = await browser.get(authorizeUrl(server, client).url);
  expect(page.body).toContain('action="/oauth/login"');
  return { browser, hidden: hiddenFields(page.body) };
}

async function postRaw(browser: FormBrowser, path: string, contentType: string, body: string) {
  const response = await request(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, cookie: browser.cookieHeader() },
    body,
  });
  return {
    status: response.statusCode,
    contentType: String(response.headers['content-type']),
    body: await response.body.text(),
  };
}

function expectErrorPage(
  page: { status: number; contentType: string; body: string },
  field: string,
) {
  expect(page.status, page.body).toBe(400);
  expect(page.contentType).toMatch(/^text\/html/);
  expect(page.body).toContain(field);
}

describe('the sign-in form refuses malformed fields with a 400 page, never a 500', () => {
  it.each(['username', 'password'])('%s sent twice', async (field) => {
    const { browser, hidden } = await onSignInPage();
    const form = new URLSearchParams({
      ...hidden,
      username: user.login,
      password: user.password,
    });
    form.append(field, 'again');
    const page = await postRaw(
      browser,
      '/oauth/login',
      'application/x-www-form-urlencoded',
      form.toString(),
    );
    expectErrorPage(page, field);
  });

  it('a JSON object as username', async () => {
    const { browser, hidden } = await onSignInPage();
    const page = await postRaw(
      browser,
      '/oauth/login',
      'application/json',
      JSON.stringify({ ...hidden, username: { login: user.login }, password: user.password }),
    );
    expectErrorPage(page, 'username');
  });

  it('a number as password', async () => {
    const { browser, hidden } = await onSignInPage();
    const page = await postRaw(
      browser,
      '/oauth/login',
      'application/json',
      JSON.stringify({ ...hidden, username: user.login, password: 12345678 }),
    );
    expectErrorPage(page, 'password');
  });

  it('a password longer than the 1024 characters L-5 allows', async () => {
    const { browser, hidden } = await onSignInPage();
    const page = await postRaw(
      browser,
      '/oauth/login',
      'application/x-www-form-urlencoded',
      new URLSearchParams({
        ...hidden,
        username: user.login,
        password: 'p'.repeat(1025),
      }).toString(),
    );
    expectErrorPage(page, 'password');
  });

  it('the consent form with organization_id sent twice', async () => {
    const { browser, hidden } = await onSignInPage();
    const signedIn = await browser.post(`${server.url}/oauth/login`, {
      ...hidden,
      username: user.login,
      password: user.password,
    });
    expect(signedIn.status).toBe(303);
    const consent = await browser.get(signedIn.location ?? '');
    expect(consent.body).toContain('action="/oauth/consent"');
    const form = new URLSearchParams({ ...hiddenFields(consent.body), decision: 'approve' });
    form.append('organization_id', 'a');
    form.append('organization_id', 'b');
    const page = await postRaw(
      browser,
      '/oauth/consent',
      'application/x-www-form-urlencoded',
      form.toString(),
    );
    expectErrorPage(page, 'organization_id');
  });
});
