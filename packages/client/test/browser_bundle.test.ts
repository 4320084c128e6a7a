import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../server/test/support/chromium_browser.js';
import { get } from '../../server/test/support/http_client.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
} from '../../server/test/support/oauth_fixtures.js';
import { countRequests, type RequestCounter } from '../../server/test/support/request_counter.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../../server/test/support/start_test_server.js';
import type * as Sdk from '../src/index.js';

/**
 * Issue 4 acceptance 6 (C-1): the SDK bundled for browsers with esbuild runs in headless
 * Chromium, and the WSSE header it makes there (WebCrypto SHA-1, getRandomValues) is accepted
 * by the server, both when the page sends it itself and when it is carried to the server from
 * Node; a PKCE pair made there is S256 of its verifier, and a real access token verifies in
 * the page against the server's JWKS while an altered one is refused. The page and the bundle
 * are served from the API's own origin (Playwright routes), so the page's requests are
 * same-origin and need no CORS.
 */
const ENTRY = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'index.ts');
const available = chromiumAvailable();

let server: TestServer;
let credential: SeededCredential;
let requests: RequestCounter;
let bundle: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!available) return;
  server = await startTestServer({ store: 'sqlite' });
  // The page's clock is the real one.
  server.clock.set(Date.now());
  credential = await seedCredential(server, 'alice', 'acme');
  requests = countRequests(server);
  // platform browser: any Node built-in import would fail the build.
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]?.text ?? '';
  browser = await launchChromium();
  page = await browser.newPage();
  await page.route(`${server.url}/sdk-test/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/sdk-test/keygate-client.js') {
      return route.fulfill({ contentType: 'text/javascript', body: bundle });
    }
    return route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>keygate client</title><p>SDK test page</p>
<script type="module">
import * as sdk from '/sdk-test/keygate-client.js';
window.keygate = sdk;
</script>`,
    });
  });
  await page.goto(`${server.url}/sdk-test/index.html`);
  await page.waitForFunction(() => 'keygate' in window);
});
afterAll(async () => {
  if (!available) return;
  await browser?.close();
  await server?.close();
});
// Processes and pages use the real clock: keep the server's frozen clock next to it.
beforeEach(() => {
  if (server) server.clock.set(Date.now());
});

describe.skipIf(!available)('the SDK bundle in headless Chromium (acceptance 6)', () => {
  it('bundles for the browser without Node built-ins', () => {
    expect(bundle.length).toBeGreaterThan(1000);
    expect(bundle).not.toMatch(/from\s*["']node:/);
    expect(bundle).toContain('createKeygateClient');
  });

  it('the page calls GET /api/v1/me with a WSSE header made in the browser', async () => {
    requests.reset();
    const outcome = await page.evaluate(
      async ({ key, secret }) => {
        const sdk = (window as unknown as { keygate: typeof Sdk }).keygate;
        const client = sdk.createKeygateClient({
          baseUrl: location.origin,
          auth: sdk.wsse({ key, secret }),
        });
        const me = await client.json('GET', '/api/v1/me');
        return { me, userAgent: navigator.userAgent };
      },
      { key: credential.key, secret: credential.secret },
    );
    expect(outcome.userAgent).toMatch(/HeadlessChrome/);
    expect(outcome.me).toMatchObject({
      scheme: 'wsse',
      user: { login: 'alice' },
      organization: { name: 'acme' },
    });
    expect(requests.count('GET', '/api/v1/me')).toBe(1);
  });

  it('a header computed in the page is accepted when Node sends it', async () => {
    const headers = await page.evaluate(
      async ({ key, secret }) => {
        const sdk = (window as unknown as { keygate: typeof Sdk }).keygate;
        return sdk.wsse({ key, secret }).headers({
          baseUrl: location.origin,
          fetch: fetch.bind(globalThis),
          now: Date.now,
        });
      },
      { key: credential.key, secret: credential.secret },
    );
    expect(headers['x-wsse']).toMatch(
      /^UsernameToken Username="[^"]+", PasswordDigest="[^"]{28}", Nonce="[^"]+", Created="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/,
    );
    const response = await get(`${server.url}/api/v1/me`, headers);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ scheme: 'wsse', user: { login: 'alice' } });
  });

  it('a wrong secret in the browser is refused by the server (the check is real)', async () => {
    const outcome = await page.evaluate(async ({ key }) => {
      const sdk = (window as unknown as { keygate: typeof Sdk }).keygate;
      const client = sdk.createKeygateClient({
        baseUrl: location.origin,
        auth: sdk.wsse({ key, secret: 'wrong secret' }),
      });
      try {
        await client.request('GET', '/api/v1/me');
        return null;
      } catch (error) {
        const { code, status } = error as InstanceType<typeof Sdk.KeygateHttpError>;
        return { code, status, error: (error as { error?: string }).error };
      }
    }, credential);
    expect(outcome).toEqual({ code: 'http_error', status: 401, error: 'invalid_credentials' });
  });

  it('PKCE and access token verification (jose, oauth4webapi) run in the page', async () => {
    const flow = await codeFlowTokens(
      server,
      await createClient(server),
      await createPasswordUser(server),
    );
    const [header, , signature] = flow.accessToken.split('.');
    const altered = Buffer.from(JSON.stringify({ sub: 'someone-else' })).toString('base64url');
    const outcome = await page.evaluate(
      async ({ token, forged, issuer, audience }) => {
        const sdk = (window as unknown as { keygate: typeof Sdk }).keygate;
        const pkce = await sdk.generatePkce();
        const options = { issuer, audience, jwksUrl: `${location.origin}/oauth/token/jwks` };
        const claims = await sdk.verifyAccessToken(token, options);
        const refused = await sdk.verifyAccessToken(forged, options).catch((e: unknown) => e);
        return {
          verifier: pkce.codeVerifier,
          challenge: pkce.codeChallenge,
          scope: claims.scope,
          refused: (refused as { reason?: string }).reason,
        };
      },
      {
        token: flow.accessToken,
        forged: `${header}.${altered}.${signature}`,
        issuer: server.config.issuer,
        audience: server.config.oauth.audience,
      },
    );
    expect(outcome.challenge).toBe(
      createHash('sha256').update(outcome.verifier).digest('base64url'),
    );
    expect(outcome).toMatchObject({ scope: 'documents:read', refused: 'signature' });
  });
});
