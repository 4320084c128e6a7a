import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Response as PageResponse } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeInChromium } from '../support/chromium_authorize.js';
import { chromiumAvailable, launchChromium } from '../support/chromium_browser.js';
import { FormBrowser, type FormResponse, hiddenFields } from '../support/form_browser.js';
import {
  authorizeUrl,
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { type RedirectReceiver, startRedirectReceiver } from '../support/redirect_receiver.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/**
 * Issue acceptance 7 (O-3, O-4): the sign-in and consent pages in a real browser, with and
 * without JavaScript, their security headers, CSRF protection and generic failure page.
 */

/** Where a person can look at the login page as Chromium renders it (not committed). */
const LOGIN_SCREENSHOT = join(
  dirname(fileURLToPath(import.meta.url)),
  '__screenshots__',
  'login.png',
);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let server: TestServer;
let receiver: RedirectReceiver;
let browser: Browser;
let user: TestUser;
let client: TestClient;
let scratch: string;

/** Checks a PNG file: signature, IHDR chunk, real dimensions, more than a blank image's bytes. */
async function expectNonTrivialPng(file: string): Promise<void> {
  const bytes = await readFile(file);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  expect(bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(320);
  expect(bytes.readUInt32BE(20)).toBeGreaterThanOrEqual(240);
  expect((await stat(file)).size).toBeGreaterThan(5 * 1024);
}

/** O-4's page headers, on any page response (Chromium's or a raw one). */
function expectPageHeaders(headers: Record<string, string | string[] | undefined>): void {
  const csp = String(headers['content-security-policy']);
  expect(csp).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
  expect(String(headers['x-frame-options']).toUpperCase()).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['cache-control']).toBe('no-store');
  expect(String(headers['content-type'])).toMatch(/^text\/html/);
}

/** The page with every hidden field's per-request value blanked (CSRF token, sealed request). */
function withoutHiddenValues(html: string): string {
  return html.replace(/(<input type="hidden" name="[^"]+" value=")[^"]*(">)/g, '$1$2');
}

/** Signs in with wrong credentials through raw HTTP; returns the POST answer and the page after it. */
async function failedSignIn(url: string, login: string, password: string) {
  const forms = new FormBrowser();
  const first = await forms.get(url);
  expect(first.status).toBe(200);
  const posted = await forms.post(`${server.url}/oauth/login`, {
    ...hiddenFields(first.body),
    username: login,
    password,
  });
  expect(posted.status).toBe(303);
  const after = await forms.get(posted.location ?? '');
  return { first, posted, after, forms };
}

describe.runIf(chromiumAvailable())('login and consent pages in Chromium', () => {
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    user = await createPasswordUser(server);
    receiver = await startRedirectReceiver();
    client = await createClient(server, { redirectUris: [receiver.uri('/callback')] });
    browser = await launchChromium();
    scratch = await mkdtemp(join(tmpdir(), 'keygate-e2e-'));
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('renders the form: labelled fields and button visible, styled, and worth a screenshot', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 700 } });
    try {
      const page = await context.newPage();
      const response = await page.goto(authorizeUrl(server, client).url);
      expect(response?.status()).toBe(200);
      expect(await page.title()).toContain('Sign in');
      const username = page.getByLabel('Username');
      const password = page.getByLabel('Password');
      const submit = page.getByRole('button', { name: 'Sign in' });
      expect(await username.isVisible()).toBe(true);
      expect(await password.isVisible()).toBe(true);
      expect(await submit.isVisible()).toBe(true);
      expect(await username.getAttribute('autocomplete')).toBe('username');
      expect(await password.getAttribute('type')).toBe('password');
      expect(await password.getAttribute('autocomplete')).toBe('current-password');
      // The stylesheet is allowed by the page's own CSP and applied (not a bare HTML form).
      expect(await submit.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(
        'rgb(29, 78, 216)',
      );

      const temporary = join(scratch, 'login.png');
      await page.screenshot({ path: temporary, fullPage: true });
      await expectNonTrivialPng(temporary);
      await mkdir(dirname(LOGIN_SCREENSHOT), { recursive: true });
      await page.screenshot({ path: LOGIN_SCREENSHOT, fullPage: true });
      await expectNonTrivialPng(LOGIN_SCREENSHOT);
    } finally {
      await context.close();
    }
  });

  it('sends the anti-framing, no-referrer and no-store headers on the login and consent pages', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const login = await page.goto(authorizeUrl(server, client).url);
      expectPageHeaders((await login?.allHeaders()) ?? {});
      await page.getByLabel('Username').fill(user.login);
      await page.getByLabel('Password').fill(user.password);
      const [consent] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/oauth/authorize') && r.status() === 200),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      expect(await page.getByRole('button', { name: 'Allow' }).isVisible()).toBe(true);
      expectPageHeaders(await consent.allHeaders());
    } finally {
      await context.close();
    }
  });

  it('cannot be framed by another site: Chromium refuses to render the login page in an iframe', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // A page on the client's origin (another site than keygate's port is another origin).
      await page.goto(receiver.uri('/framing'));
      const loginUrl = authorizeUrl(server, client).url;
      // Control: a keygate document without anti-framing headers does render in a frame.
      const controlUrl = `${server.url}/.well-known/oauth-authorization-server`;
      await page.setContent(
        `<iframe name="victim" src="${loginUrl.replaceAll('&', '&amp;')}"></iframe>` +
          `<iframe name="control" src="${controlUrl}"></iframe>`,
        { waitUntil: 'load' },
      );
      const victim = page.frame({ name: 'victim' });
      const control = page.frame({ name: 'control' });
      expect(control?.url()).toBe(controlUrl);
      expect(await control?.locator('body').textContent()).toContain('authorization_endpoint');
      // The browser replaced the login page with its own error page.
      expect(victim).toBeTruthy();
      expect(victim?.url()).not.toBe(loginUrl);
      expect(await victim?.locator('#username').count()).toBe(0);
      expect(await victim?.locator('form').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('works with JavaScript disabled, all the way to the client redirect; each POST answers 303', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      // The context really runs no page scripts.
      await page.setContent('<title>before</title><script>document.title = "script ran"</script>');
      expect(await page.title()).toBe('before');
      const posts: { path: string; status: number; location: string | null }[] = [];
      page.on('response', (r: PageResponse) => {
        if (r.request().method() === 'POST') {
          posts.push({
            path: new URL(r.url()).pathname,
            status: r.status(),
            location: r.headers().location ?? null,
          });
        }
      });
      const { url, verifier } = authorizeUrl(server, client, { state: 'no-js state/+=&?' });
      const landed = await authorizeInChromium(page, url, {
        user: { login: user.login, password: user.password },
        redirectUri: client.redirectUri,
      });
      expect(posts.map((p) => [p.path, p.status])).toEqual([
        ['/oauth/login', 303],
        ['/oauth/consent', 303],
      ]);
      expect(posts[0]?.location).toBe(`/oauth/authorize?${new URL(url).search.slice(1)}`);
      expect(`${landed.origin}${landed.pathname}`).toBe(client.redirectUri);
      expect(landed.searchParams.get('state')).toBe('no-js state/+=&?');
      expect(landed.searchParams.get('iss')).toBe(server.config.issuer);
      expect(receiver.lastOn('/callback')?.search).toBe(landed.search);
      const token = await postToken(server, {
        grant_type: 'authorization_code',
        code: landed.searchParams.get('code') ?? '',
        redirect_uri: client.redirectUri,
        code_verifier: verifier,
        client_id: client.clientId,
        client_secret: client.clientSecret ?? '',
      });
      expect(token.status).toBe(200);
    } finally {
      await context.close();
    }
  });

  it('consent Deny → redirect with error=access_denied, the original state byte-exact, and no code', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const state = 'deny-ü %20 a+b/c=d&e';
      const { url } = authorizeUrl(server, client, { state });
      const landed = await authorizeInChromium(page, url, {
        user: { login: user.login, password: user.password },
        decision: 'Deny',
        redirectUri: client.redirectUri,
      });
      expect(`${landed.origin}${landed.pathname}`).toBe(client.redirectUri);
      expect(landed.searchParams.get('error')).toBe('access_denied');
      expect(landed.searchParams.get('state')).toBe(state);
      expect(landed.searchParams.get('iss')).toBe(server.config.issuer);
      expect(landed.searchParams.has('code')).toBe(false);
      expect(receiver.lastOn('/callback')?.searchParams.get('error')).toBe('access_denied');
    } finally {
      await context.close();
    }
  });

  it('shows a failed sign-in in Chromium as an alert, with the fields still labelled', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(authorizeUrl(server, client).url);
      await page.getByLabel('Username').fill(user.login);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toBe('Wrong username or password.');
      expect(await page.getByLabel('Username').getAttribute('aria-describedby')).toBe(
        'login-error',
      );
      expect(await page.getByRole('button', { name: 'Allow' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('a wrong password and an unknown user get byte-identical answers (apart from per-request values)', async () => {
    const { url } = authorizeUrl(server, client);
    const wrongPassword = await failedSignIn(url, user.login, 'not the password');
    const unknownUser = await failedSignIn(url, 'nobody-here', 'not the password');
    for (const { after } of [wrongPassword, unknownUser]) {
      expect(after.status).toBe(200);
      expect(after.body).toContain('Wrong username or password.');
      expect(after.body).toContain('action="/oauth/login"');
    }
    expect(withoutHiddenValues(unknownUser.after.body)).toBe(
      withoutHiddenValues(wrongPassword.after.body),
    );
    // The failure page is not simply the first login page again.
    expect(withoutHiddenValues(wrongPassword.first.body)).not.toBe(
      withoutHiddenValues(wrongPassword.after.body),
    );
    // The POST answers are identical too: same status, target and cookies.
    const answer = (r: FormResponse) => ({
      status: r.status,
      location: r.location,
      setCookie: r.headers['set-cookie'],
    });
    expect(answer(unknownUser.posted)).toEqual(answer(wrongPassword.posted));
    // Neither attempt signed anyone in.
    for (const { forms } of [wrongPassword, unknownUser]) {
      const again = await forms.get(authorizeUrl(server, client).url);
      expect(again.body).toContain('action="/oauth/login"');
    }
  });

  it('refuses a login POST without a CSRF token, with a wrong one, or without the CSRF cookie (403)', async () => {
    const forms = new FormBrowser();
    const { url } = authorizeUrl(server, client);
    const page = await forms.get(url);
    const fields = hiddenFields(page.body);
    expect(fields.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const credentials = { username: user.login, password: user.password };
    const login = (form: Record<string, string>) => forms.post(`${server.url}/oauth/login`, form);

    const { csrf_token: _omit, ...withoutToken } = fields;
    const missing = await login({ ...withoutToken, ...credentials });
    expect(missing.status).toBe(403);
    expect(missing.location).toBeNull();
    expect(missing.body).toContain('Form expired');
    expectPageHeaders(missing.headers);

    const wrong = await login({
      ...fields,
      csrf_token: randomBytes(32).toString('base64url'),
      ...credentials,
    });
    expect(wrong.status).toBe(403);

    const empty = await login({ ...fields, csrf_token: '', ...credentials });
    expect(empty.status).toBe(403);

    // The right credentials were refused: no session was started.
    const stillOut = await forms.get(url);
    expect(stillOut.body).toContain('action="/oauth/login"');

    const cookieless = new FormBrowser();
    const noCookie = await cookieless.post(`${server.url}/oauth/login`, {
      ...fields,
      ...credentials,
    });
    expect(noCookie.status).toBe(403);

    // Control: the same form with its token signs in with a 303 back to the authorize URL.
    const accepted = await login({ ...hiddenFields(stillOut.body), ...credentials });
    expect(accepted.status).toBe(303);
    expect(accepted.location).toBe(`${server.url}/oauth/authorize?${new URL(url).search.slice(1)}`);
    expect(accepted.headers['cache-control']).toBe('no-store');
    const consent = await forms.get(accepted.location ?? '');
    expect(consent.body).toContain('action="/oauth/consent"');
  });

  it('refuses a consent POST without a valid CSRF token (403) and does not redirect', async () => {
    const forms = new FormBrowser();
    const { url } = authorizeUrl(server, client);
    const loginPage = await forms.get(url);
    await forms.post(`${server.url}/oauth/login`, {
      ...hiddenFields(loginPage.body),
      username: user.login,
      password: user.password,
    });
    const consent = await forms.get(url);
    const fields = hiddenFields(consent.body);
    expect(fields.organization_id).toBeTruthy();
    const forged = await forms.post(`${server.url}/oauth/consent`, {
      ...fields,
      csrf_token: randomBytes(32).toString('base64url'),
      decision: 'approve',
    });
    expect(forged.status).toBe(403);
    expect(forged.location).toBeNull();
  });
});
