import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserDisabled } from '../../src/core/admin/users.js';
import { DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS } from '../../src/core/oauth/access_token_check_cache.js';
import { passwordToken } from '../legacy/legacy_client.js';
import { type EchoedRequest, type EchoUpstream, startEchoUpstream } from './echo_upstream.js';
import { jsonOrNull } from './http_client.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  revokeToken,
  type TestClient,
  type TestUser,
} from './oauth_fixtures.js';
import type { ProxyAddresses, ReverseProxy } from './reverse_proxy_process.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
  wsseHeader,
} from './start_test_server.js';

/** A response from the proxy; `echoed` is set when it came from the upstream. */
interface ProxyAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: unknown;
  readonly echoed: EchoedRequest | null;
}

/**
 * The forward-auth acceptance run against a real proxy started from the repository's example
 * configuration (R-2, R-3): the three schemes reach a tiny upstream with keygate's identity
 * headers; refusals are keygate's 401 with `WWW-Authenticate`; a replayed WSSE header is
 * refused; identity headers a client sends never reach the upstream; a revoked family or a
 * disabled user stops working within R-3's 5 s; a store outage reaches the client as 503.
 */
export function describeForwardAuthProxy(
  name: string,
  available: boolean,
  startProxy: (addresses: ProxyAddresses) => Promise<ReverseProxy>,
  /** What the proxy answers when keygate itself cannot be reached. */
  keygateUnreachableStatus: 502 | 503,
): void {
  describe.runIf(available)(`forward auth through ${name}`, () => {
    let server: TestServer;
    let upstream: EchoUpstream;
    let proxy: ReverseProxy;
    let alice: SeededCredential;
    let user: TestUser;
    let client: TestClient;

    beforeAll(async () => {
      server = await startTestServer({ store: 'sqlite' });
      upstream = await startEchoUpstream();
      proxy = await startProxy({ keygate: new URL(server.url).host, upstream: upstream.address });
      alice = await seedCredential(server, 'alice', 'Müller & Söhne');
      user = await createPasswordUser(server);
      client = await createClient(server);
    });
    afterAll(async () => {
      await proxy?.stop();
      await upstream?.close();
      await server?.close();
    });

    async function through(
      headers: Record<string, string>,
      init: { method?: 'GET' | 'POST'; body?: string; path?: string } = {},
    ): Promise<ProxyAnswer> {
      const response = await request(`${proxy.url}${init.path ?? '/orders/42?page=2'}`, {
        method: init.method ?? 'GET',
        headers,
        body: init.body,
      });
      const text = await response.body.text();
      const json = jsonOrNull(text);
      const echoed = response.headers['x-echo-upstream'] === 'yes' ? (json as EchoedRequest) : null;
      return { status: response.statusCode, headers: response.headers, json, echoed };
    }

    /** The answer of a request that must have reached the upstream. */
    async function reached(headers: Record<string, string>): Promise<EchoedRequest> {
      const answer = await through(headers);
      expect(answer.status, `${JSON.stringify(answer.json)} ${proxy.output()}`).toBe(200);
      expect(answer.echoed).not.toBeNull();
      return answer.echoed as EchoedRequest;
    }

    it('WSSE reaches the API with the identity keygate found', async () => {
      const me = (await (
        await request(`${server.url}/api/v1/me`, {
          headers: { 'x-wsse': wsseHeader(server, alice) },
        })
      ).body.json()) as { user: { id: string }; organization: { id: string } };
      const echoed = await reached({ 'x-wsse': wsseHeader(server, alice) });
      expect(echoed.url).toBe('/orders/42?page=2');
      expect(echoed.headers).toMatchObject({
        'x-keygate-user': me.user.id,
        'x-keygate-user-login': 'alice',
        'x-keygate-organization': me.organization.id,
        'x-keygate-organization-name': 'M%C3%BCller%20&%20S%C3%B6hne',
        'x-keygate-credential': alice.credentialId,
        'x-keygate-scheme': 'wsse',
      });
      // WSSE has no OAuth client: empty (Caddy) or no header (nginx).
      expect(echoed.headers['x-keygate-client'] ?? '').toBe('');
    });

    it('a Bearer token reaches the API with its client and scopes', async () => {
      const { accessToken } = await codeFlowTokens(server, client, user);
      const echoed = await reached({ authorization: `Bearer ${accessToken}` });
      expect(echoed.headers).toMatchObject({
        'x-keygate-user-login': user.login,
        'x-keygate-client': client.clientId,
        'x-keygate-scopes': 'documents:read',
        'x-keygate-scheme': 'bearer',
      });
    });

    it('an X-Auth-Token reaches the API as legacy_jwt', async () => {
      const { token } = await passwordToken(server, {
        username: user.login,
        password: user.password,
      });
      const echoed = await reached({ 'x-auth-token': token });
      expect(echoed.headers).toMatchObject({
        'x-keygate-user-login': user.login,
        'x-keygate-scheme': 'legacy_jwt',
      });
    });

    it('checks reuse their connections to keygate (keep-alive)', async () => {
      const { accessToken } = await codeFlowTokens(server, client, user);
      let connections = 0;
      const count = () => {
        connections += 1;
      };
      server.app.server.on('connection', count);
      try {
        for (let i = 0; i < 20; i += 1) await reached({ authorization: `Bearer ${accessToken}` });
      } finally {
        server.app.server.off('connection', count);
      }
      expect(connections).toBeLessThan(5);
    });

    it('a request body goes to the API untouched, not to keygate', async () => {
      const body = JSON.stringify({ order: 42, note: 'x'.repeat(10_000) });
      const answer = await through(
        { 'x-wsse': wsseHeader(server, alice), 'content-type': 'application/json' },
        { method: 'POST', body },
      );
      expect(answer.status).toBe(200);
      expect(answer.echoed?.method).toBe('POST');
      expect(answer.echoed?.body).toBe(body);
    });

    it('no credential: 401 with every challenge, and the API is not reached', async () => {
      const before = upstream.received();
      const answer = await through({});
      expect(answer.status).toBe(401);
      expect(answer.echoed).toBeNull();
      expect(String(answer.headers['www-authenticate'])).toMatch(/WSSE .*Bearer .*JWT /);
      expect(answer.json).toMatchObject({ error: 'authentication_required' });
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(upstream.received()).toBe(before);
    });

    it('a bad Bearer token: 401 invalid_token with its challenge', async () => {
      const answer = await through({ authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln' });
      expect(answer.status).toBe(401);
      expect(String(answer.headers['www-authenticate'])).toMatch(/^Bearer .*error="invalid_token"/);
      expect(answer.json).toMatchObject({ error: 'invalid_token' });
    });

    it('a replayed WSSE header: the second request is 401 nonce_replayed (W-6)', async () => {
      const header = wsseHeader(server, alice);
      expect((await through({ 'x-wsse': header })).status).toBe(200);
      const before = upstream.received();
      const replayed = await through({ 'x-wsse': header });
      expect(replayed.status).toBe(401);
      expect(replayed.json).toMatchObject({ error: 'nonce_replayed' });
      expect(String(replayed.headers['www-authenticate'])).toMatch(/^WSSE /);
      expect(upstream.received()).toBe(before);
    });

    it('identity headers a client sends never reach the API', async () => {
      const spoofed = {
        'x-keygate-user': 'admin',
        'x-keygate-scopes': 'admin:all',
        'x-keygate-client': 'trusted-client',
        'x-keygate-scheme': 'bearer',
      };
      const echoed = await reached({ ...spoofed, 'x-wsse': wsseHeader(server, alice) });
      expect(echoed.headers['x-keygate-user']).not.toBe('admin');
      // WSSE carries no scopes: an empty header (Caddy) or none (nginx), never the client's.
      expect(echoed.headers['x-keygate-scopes'] ?? '').toBe('');
      expect(echoed.headers['x-keygate-scheme']).toBe('wsse');
      // WSSE has no OAuth client: the spoofed one must not be passed on.
      expect(echoed.headers['x-keygate-client'] ?? '').toBe('');
      const refused = await through(spoofed);
      expect(refused.status).toBe(401);
      expect(refused.echoed).toBeNull();
    });

    it('a refresh family revoked through keygate stops its access token on the next request (R-3)', async () => {
      const tokens = await codeFlowTokens(server, client, user);
      await reached({ authorization: `Bearer ${tokens.accessToken}` });
      const revoked = await revokeToken(server, client, tokens.refreshToken);
      expect(revoked.status).toBe(200);
      const answer = await through({ authorization: `Bearer ${tokens.accessToken}` });
      expect(answer.status).toBe(401);
      expect(answer.echoed).toBeNull();
    });

    it('a user disabled elsewhere stops every scheme within 5 s (R-3)', async () => {
      const dave = await createPasswordUser(server, 'dave');
      const daveKey = await seedCredential(server, 'dave');
      const { accessToken } = await codeFlowTokens(server, client, dave);
      const { token } = await passwordToken(server, { username: 'dave', password: dave.password });
      await reached({ authorization: `Bearer ${accessToken}` });
      await reached({ 'x-auth-token': token });
      await reached({ 'x-wsse': wsseHeader(server, daveKey) });
      // As the CLI does it: straight in the store, not through this server's endpoints.
      await setUserDisabled(server, 'dave', true);
      server.clock.advance(DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS);
      expect(DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS).toBeLessThanOrEqual(5_000);
      for (const headers of [
        { authorization: `Bearer ${accessToken}` },
        { 'x-auth-token': token },
        { 'x-wsse': wsseHeader(server, daveKey) },
      ] as Record<string, string>[]) {
        const answer = await through(headers);
        expect(answer.status, JSON.stringify(headers)).toBe(401);
        expect(answer.echoed).toBeNull();
      }
    });

    it('with keygate’s store down: 503 with Retry-After, never a 500 or a pass', async () => {
      const before = upstream.received();
      await server.store.close();
      const answer = await through({ 'x-wsse': wsseHeader(server, alice) });
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.json).toMatchObject({ error: 'temporarily_unavailable' });
      expect(upstream.received()).toBe(before);
    });

    it(`with keygate itself unreachable: ${keygateUnreachableStatus}, never a pass`, async () => {
      const before = upstream.received();
      await server.close();
      const answer = await through({ 'x-wsse': wsseHeader(server, alice) });
      expect(answer.status).toBe(keygateUnreachableStatus);
      expect(answer.echoed).toBeNull();
      expect(upstream.received()).toBe(before);
    });
  });
}
