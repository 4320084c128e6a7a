import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsernameToken } from 'wsse';
import { createOrganization, setOrganizationDisabled } from '../../src/core/admin/organizations.js';
import { addUserToOrganization, setUserDisabled } from '../../src/core/admin/users.js';
import { get } from '../support/http_client.js';
import { createClient, createPasswordUser, type TestUser } from '../support/oauth_fixtures.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';
import { passwordToken, postLegacy } from './legacy_client.js';

/**
 * Issue 4, legacy side (L-1, L-2, L-4, R-1, R-3): the password endpoint, `X-Auth-Token` and
 * `Authorization: JWT` on /api/v1/me, the WSSE → JWT exchange, and the refusals between token
 * kinds, against the running server on SQLite.
 */
let server: TestServer;
let carol: TestUser;
let alice: SeededCredential;

beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  server.clock.set(Date.now());
  carol = await createPasswordUser(server, 'carol', 'acme');
  alice = await seedCredential(server, 'alice', 'acme');
});
afterAll(() => server.close());

const me = (headers: Record<string, string>) => get(`${server.url}/api/v1/me`, headers);
const signIn = (body: Record<string, unknown>) =>
  postLegacy(server, '/auth/api/v1/token/password', body);

function expectCarol(response: { status: number; json: unknown }, organization = 'acme') {
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  expect(response.json).toMatchObject({
    user: { login: 'carol' },
    organization: { name: organization },
    scopes: [],
    scheme: 'legacy_jwt',
  });
}

describe('POST /auth/api/v1/token/password (L-1)', () => {
  it('answers {token}: an ES256 JWT of its own typ with iss, sub, aud, org, exp', async () => {
    const response = await signIn({ username: carol.login, password: carol.password });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['token']);
    const token = String(body.token);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'legacy+jwt' });
    const claims = decodeJwt(token);
    const user = await server.store.users.findByLogin('carol');
    const org = await server.store.organizations.findByName('acme');
    expect(claims).toMatchObject({
      iss: server.config.issuer,
      aud: server.config.oauth.audience,
      sub: user?.id,
      org: org?.id,
    });
    expect(claims.exp).toBe(Math.floor(server.clock.now() / 1000) + 3600);
    expect(claims.rid).toBeUndefined();
  });

  it('with "refresh": true also answers a refresh_token', async () => {
    const body = await passwordToken(server, {
      username: carol.login,
      password: carol.password,
      refresh: true,
    });
    expect(typeof body.refresh_token).toBe('string');
    expect(body.refresh_token?.length).toBeGreaterThanOrEqual(43);
    expectCarol(await me({ 'x-auth-token': body.token }));
  });

  it('wrong password and unknown user get byte-identical 401s (status, headers but Date, body)', async () => {
    const wrong = await signIn({ username: carol.login, password: `${carol.password}!` });
    const unknown = await signIn({ username: 'nobody-here', password: carol.password });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ error: 'invalid_credentials' });
    const { date: _a, ...wrongHeaders } = wrong.headers;
    const { date: _b, ...unknownHeaders } = unknown.headers;
    expect(unknown.status).toBe(wrong.status);
    expect(unknownHeaders).toEqual(wrongHeaders);
    expect(unknown.text).toBe(wrong.text);
    expect(wrong.text).not.toContain(carol.password);
  });

  it('a disabled user with the right password gets the same 401 as a wrong password', async () => {
    await createPasswordUser(server, 'dora', 'acme', 'dora password 1');
    await setUserDisabled(server, 'dora', true);
    const disabled = await signIn({ username: 'dora', password: 'dora password 1' });
    const wrong = await signIn({ username: 'dora', password: 'dora password 2' });
    expect(disabled.status).toBe(401);
    expect(disabled.text).toBe(wrong.text);
  });

  it('malformed bodies get 400 invalid_request, never 500', async () => {
    const cases: [unknown, string?][] = [
      ['{"username": "carol", "password": '],
      ['not json at all'],
      ['[]'],
      ['null'],
      ['"carol"'],
      [{}],
      [{ username: carol.login }],
      [{ password: carol.password }],
      [{ username: '', password: carol.password }],
      [{ username: carol.login, password: '' }],
      [{ username: 42, password: carol.password }],
      [{ username: carol.login, password: ['x'] }],
      [{ username: carol.login, password: carol.password, refresh: 'yes' }],
      [{ username: carol.login, password: carol.password, organization: 7 }],
      [{ username: 'x'.repeat(5000), password: carol.password }],
      ['', 'application/json'],
    ];
    for (const [body, contentType] of cases) {
      const response = await postLegacy(server, '/auth/api/v1/token/password', body, contentType);
      expect(response.status, `${JSON.stringify(body)} → ${response.text}`).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_request' });
    }
    const text = await postLegacy(server, '/auth/api/v1/token/password', 'x', 'text/plain');
    expect(text.status).toBeGreaterThanOrEqual(400);
    expect(text.status).toBeLessThan(500);
  });

  it('picks the organization: the first active membership by default, another by name; none → 403', async () => {
    await createPasswordUser(server, 'erin', 'acme', 'erin password 1');
    await createOrganization(server, 'globex');
    // A later membership (same-second ones are ordered by organization id).
    server.clock.advance(1000);
    await addUserToOrganization(server, 'erin', 'globex');
    const erin = { username: 'erin', password: 'erin password 1' };
    const first = await passwordToken(server, erin);
    expect((await me({ 'x-auth-token': first.token })).json).toMatchObject({
      organization: { name: 'acme' },
    });
    const globex = await passwordToken(server, { ...erin, organization: 'globex' });
    expect((await me({ 'x-auth-token': globex.token })).json).toMatchObject({
      organization: { name: 'globex' },
    });
    const foreign = await signIn({ ...erin, organization: 'initech' });
    expect(foreign.status).toBe(403);
    expect(foreign.json).toMatchObject({ error: 'invalid_organization' });

    await createOrganization(server, 'solo');
    await createPasswordUser(server, 'frank', 'solo', 'frank password 1');
    await setOrganizationDisabled(server, 'solo', true);
    const none = await signIn({ username: 'frank', password: 'frank password 1' });
    expect(none.status).toBe(403);
    expect(none.json).toMatchObject({ error: 'no_organization' });
  });
});

describe('X-Auth-Token and Authorization: JWT on /api/* (L-2, R-1)', () => {
  it('accepts X-Auth-Token, Authorization: JWT <token>, and Penneo’s pair X-Auth-Token + bare Authorization: JWT', async () => {
    const { token } = await passwordToken(server, {
      username: carol.login,
      password: carol.password,
    });
    expectCarol(await me({ 'x-auth-token': token }));
    expectCarol(await me({ authorization: `JWT ${token}` }));
    expectCarol(await me({ 'x-auth-token': token, authorization: 'JWT' }));
  });

  it('refuses a legacy JWT sent as Bearer, and an access token sent as X-Auth-Token', async () => {
    const { token } = await passwordToken(server, {
      username: carol.login,
      password: carol.password,
    });
    const asBearer = await me({ authorization: `Bearer ${token}` });
    expect(asBearer.status).toBe(401);
    expect(asBearer.json).toMatchObject({ error: 'invalid_token' });
    expect(String(asBearer.headers['www-authenticate'])).toMatch(/^Bearer /);

    const client = await createClient(server, {
      name: 'Service',
      redirectUris: [],
      grantTypes: ['client_credentials'],
    });
    const granted = await postToken(server, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
    });
    const accessToken = String((granted.json as { access_token: string }).access_token);
    // The same access token is good as Bearer, so the refusal is about the header kind.
    expect((await me({ authorization: `Bearer ${accessToken}` })).status).toBe(200);
    const kinds: Record<string, string>[] = [
      { 'x-auth-token': accessToken },
      { authorization: `JWT ${accessToken}` },
    ];
    for (const headers of kinds) {
      const refused = await me(headers);
      expect(refused.status).toBe(401);
      expect(refused.json).toMatchObject({ error: 'invalid_token' });
      expect(String(refused.headers['www-authenticate'])).toMatch(/^JWT realm="keygate"/);
    }
  });

  it('refuses a legacy refresh token presented as X-Auth-Token', async () => {
    const body = await passwordToken(server, {
      username: carol.login,
      password: carol.password,
      refresh: true,
    });
    const refused = await me({ 'x-auth-token': String(body.refresh_token) });
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: 'invalid_token' });
    expect(refused.text).not.toContain(String(body.refresh_token));
  });

  it('refuses garbage, a tampered token and an expired one, and lists the JWT challenge when nothing is sent', async () => {
    const { token } = await passwordToken(server, {
      username: carol.login,
      password: carol.password,
    });
    const [head, payload, signature] = token.split('.');
    const tampered = `${head}.${Buffer.from(
      JSON.stringify({ ...decodeJwt(token), sub: 'someone-else' }),
    ).toString('base64url')}.${signature}`;
    for (const bad of ['garbage', `${head}.${payload}.`, tampered, 'a'.repeat(9000)]) {
      const refused = await me({ 'x-auth-token': bad });
      expect(refused.status).toBe(401);
      expect(refused.json).toMatchObject({ error: 'invalid_token' });
    }
    const nothing = await me({});
    expect(nothing.status).toBe(401);
    expect(nothing.headers['www-authenticate']).toContain('JWT realm="keygate"');

    server.clock.advance(3600 * 1000);
    try {
      expect((await me({ 'x-auth-token': token })).status).toBe(401);
    } finally {
      server.clock.advance(-3600 * 1000);
    }
    expectCarol(await me({ 'x-auth-token': token }));
  });

  it('a disabled user or organization stops a live JWT on the next request (R-3)', async () => {
    await createOrganization(server, 'hooli');
    await createPasswordUser(server, 'gina', 'hooli', 'gina password 1');
    const { token } = await passwordToken(server, {
      username: 'gina',
      password: 'gina password 1',
    });
    expect((await me({ 'x-auth-token': token })).status).toBe(200);
    await setOrganizationDisabled(server, 'hooli', true);
    expect((await me({ 'x-auth-token': token })).status).toBe(401);
    await setOrganizationDisabled(server, 'hooli', false);
    expect((await me({ 'x-auth-token': token })).status).toBe(200);
    await setUserDisabled(server, 'gina', true);
    const refused = await me({ 'x-auth-token': token });
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: 'invalid_token' });
  });
});

describe('GET /api/v1/auth/token: WSSE → JWT (L-4)', () => {
  it('answers {token} for a valid X-WSSE header; the JWT acts as the key’s user and organization', async () => {
    const wsse = new UsernameToken({ username: alice.key, password: alice.secret });
    const response = await get(`${server.url}/api/v1/auth/token`, {
      'x-wsse': wsse.getWSSEHeader({ nonceBase64: true }),
    });
    expect(response.status, response.text).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const { token } = response.json as { token: string };
    expect(decodeProtectedHeader(token).typ).toBe('legacy+jwt');
    const who = await me({ 'x-auth-token': token });
    expect(who.status).toBe(200);
    expect(who.json).toMatchObject({
      user: { login: 'alice' },
      organization: { name: 'acme' },
      scheme: 'legacy_jwt',
    });
  });

  it('refuses a bad WSSE header, and a legacy JWT asking to renew itself', async () => {
    const wsse = new UsernameToken({ username: alice.key, password: 'not the secret' });
    const bad = await get(`${server.url}/api/v1/auth/token`, {
      'x-wsse': wsse.getWSSEHeader({ nonceBase64: true }),
    });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ error: 'invalid_credentials' });

    const { token } = await passwordToken(server, {
      username: carol.login,
      password: carol.password,
    });
    const renew = await get(`${server.url}/api/v1/auth/token`, { 'x-auth-token': token });
    expect(renew.status).toBe(401);
    expect(renew.json).toMatchObject({ error: 'wsse_required' });
  });
});
