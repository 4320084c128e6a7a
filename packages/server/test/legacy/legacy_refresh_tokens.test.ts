import { dirname } from 'node:path';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setUserDisabled } from '../../src/core/admin/users.js';
import { get } from '../support/http_client.js';
import { createPasswordUser, type TestUser } from '../support/oauth_fixtures.js';
import { runCliInProcess } from '../support/run_cli_in_process.js';
import { requirePostgres } from '../support/scratch_postgres.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { passwordToken, postLegacy } from './legacy_client.js';

/**
 * Issue 4 acceptance 7, refresh side (L-3, L-5): a legacy refresh token is reusable, expires
 * after 30 days without a JWT made from it (sliding, frozen clock), and dies on a password
 * change (`keygate user set-password`) or when the user is disabled. Runs on SQLite and (when
 * available) PostgreSQL.
 */
const DAY_MS = 24 * 3600 * 1000;
const postgres = await requirePostgres();

for (const storeKind of ['sqlite', 'postgres'] as const) {
  describe.runIf(storeKind !== 'postgres' || postgres)(
    `legacy refresh tokens (${storeKind})`,
    () => {
      let server: TestServer;
      let carol: TestUser;

      beforeEach(async () => {
        server = await startTestServer({ store: storeKind });
        carol = await createPasswordUser(server, 'carol', 'acme');
      });
      afterEach(() => server.close());

      const refresh = (token: unknown) =>
        postLegacy(server, '/auth/api/v1/token/refresh', { token });
      const signInWithRefresh = async () => {
        const body = await passwordToken(server, {
          username: carol.login,
          password: carol.password,
          refresh: true,
        });
        return String(body.refresh_token);
      };
      const me = (token: string) => get(`${server.url}/api/v1/me`, { 'x-auth-token': token });

      it('answers {token}: a fresh JWT that works, from a token that can be used again', async () => {
        const refreshToken = await signInWithRefresh();
        for (let i = 0; i < 3; i += 1) {
          const response = await refresh(refreshToken);
          expect(response.status, response.text).toBe(200);
          expect(response.headers['cache-control']).toBe('no-store');
          expect(Object.keys(response.json as object)).toEqual(['token']);
          const { token } = response.json as { token: string };
          expect((await me(token)).json).toMatchObject({
            user: { login: 'carol' },
            scheme: 'legacy_jwt',
          });
        }
      });

      it('unused for 30 days it fails; used on day 29 it keeps working for another 30 days', async () => {
        const idle = await signInWithRefresh();
        const used = await signInWithRefresh();

        server.clock.advance(29 * DAY_MS);
        expect((await refresh(used)).status).toBe(200);

        server.clock.advance(1 * DAY_MS);
        const expired = await refresh(idle);
        expect(expired.status).toBe(401);
        expect(expired.json).toMatchObject({ error: 'invalid_token' });
        expect(expired.text).not.toContain(idle);
        // Day 30 for `used` is only one day after its last use.
        expect((await refresh(used)).status).toBe(200);

        // Last used on day 30: still good on day 59, dead on day 60.
        server.clock.advance(29 * DAY_MS);
        expect((await refresh(used)).status).toBe(200);
        server.clock.advance(30 * DAY_MS);
        expect((await refresh(used)).status).toBe(401);
        // A failed attempt does not slide it: asking again is refused again.
        expect((await refresh(used)).status).toBe(401);
      });

      it('JWTs made with a refresh token carry its id, and 20 concurrent refreshes all succeed', async () => {
        const refreshToken = await signInWithRefresh();
        const responses = await Promise.all(
          Array.from({ length: 20 }, () => refresh(refreshToken)),
        );
        expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
        const rids = new Set(
          responses.map((r) => decodeJwt((r.json as { token: string }).token).rid),
        );
        expect(rids.size).toBe(1);
        expect(typeof [...rids][0]).toBe('string');
      });

      it('disabling the user kills the refresh token and its JWTs for good', async () => {
        const refreshToken = await signInWithRefresh();
        const { token } = (await refresh(refreshToken)).json as { token: string };
        await setUserDisabled(server, 'carol', true);
        expect((await refresh(refreshToken)).status).toBe(401);
        expect((await me(token)).status).toBe(401);
        await setUserDisabled(server, 'carol', false);
        expect((await refresh(refreshToken)).status).toBe(401);
        expect((await me(token)).status).toBe(401);
        // The user can sign in again and gets a new one.
        const again = await signInWithRefresh();
        expect((await refresh(again)).status).toBe(200);
      });

      it('malformed refresh bodies get 400, unknown tokens and other token kinds 401, never 500', async () => {
        for (const body of [
          {},
          { token: '' },
          { token: 42 },
          { token: ['x'] },
          { token: 'x'.repeat(9000) },
        ]) {
          const response = await postLegacy(server, '/auth/api/v1/token/refresh', body);
          expect(response.status, JSON.stringify(body)).toBe(400);
          expect(response.json).toMatchObject({ error: 'invalid_request' });
        }
        for (const raw of ['{"token": ', 'null', '[]', '']) {
          const response = await postLegacy(server, '/auth/api/v1/token/refresh', raw);
          expect(response.status, raw).toBe(400);
        }
        const { token: jwt } = await passwordToken(server, {
          username: carol.login,
          password: carol.password,
        });
        for (const token of ['not-a-refresh-token', jwt]) {
          const response = await refresh(token);
          expect(response.status).toBe(401);
          expect(response.json).toMatchObject({ error: 'invalid_token' });
          expect(String(response.headers['www-authenticate'])).toBe('JWT realm="keygate"');
        }
      });
    },
  );
}

describe('keygate user set-password (L-3, L-5, K-2)', () => {
  let server: TestServer;
  let carol: TestUser;
  let env: Record<string, string>;

  beforeEach(async () => {
    server = await startTestServer({ store: 'sqlite' });
    carol = await createPasswordUser(server, 'carol', 'acme');
    env = { KEYGATE_DATA_DIR: dirname(server.sqliteFile ?? '') };
  });
  afterEach(() => server.close());

  const refresh = (token: string) => postLegacy(server, '/auth/api/v1/token/refresh', { token });
  const signIn = (password: string) =>
    postLegacy(server, '/auth/api/v1/token/password', {
      username: carol.login,
      password,
      refresh: true,
    });

  it('kills existing legacy refresh tokens and the JWTs made with them; the new password works', async () => {
    const first = (await signIn(carol.password)).json as { token: string; refresh_token: string };
    const second = (await signIn(carol.password)).json as { token: string; refresh_token: string };
    expect((await refresh(first.refresh_token)).status).toBe(200);
    const before = await get(`${server.url}/api/v1/me`, { 'x-auth-token': first.token });
    expect(before.status).toBe(200);

    const newPassword = 'a whole new passphrase ✓';
    const result = await runCliInProcess(['user', 'set-password', 'carol', '--password-stdin'], {
      env,
      input: `${newPassword}\n`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'password of "carol" changed; 2 legacy refresh tokens and 0 OAuth token families revoked',
    );
    expect(result.stdout).not.toContain(newPassword);

    for (const token of [first.refresh_token, second.refresh_token]) {
      const refused = await refresh(token);
      expect(refused.status).toBe(401);
      expect(refused.json).toMatchObject({ error: 'invalid_token' });
    }
    const after = await get(`${server.url}/api/v1/me`, { 'x-auth-token': first.token });
    expect(after.status).toBe(401);
    expect((await signIn(carol.password)).status).toBe(401);
    const fresh = await signIn(newPassword);
    expect(fresh.status).toBe(200);
    expect((await refresh((fresh.json as { refresh_token: string }).refresh_token)).status).toBe(
      200,
    );
  });

  it('also ends a JWT signed in for without a refresh token; one from the new password works', async () => {
    const signInWithoutRefresh = async (password: string) => {
      const response = await postLegacy(server, '/auth/api/v1/token/password', {
        username: carol.login,
        password,
      });
      expect(response.status, response.text).toBe(200);
      return (response.json as { token: string }).token;
    };
    const me = (token: string) => get(`${server.url}/api/v1/me`, { 'x-auth-token': token });
    const before = await signInWithoutRefresh(carol.password);
    expect((await me(before)).status).toBe(200);

    const newPassword = 'a whole new passphrase ✓';
    const result = await runCliInProcess(['user', 'set-password', 'carol', '--password-stdin'], {
      env,
      input: newPassword,
    });
    expect(result.code, result.stderr).toBe(0);

    const refused = await me(before);
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: 'invalid_token' });
    expect((await me(await signInWithoutRefresh(newPassword))).status).toBe(200);
  });

  it('--json prints one object; bad input exits non-zero with a one-line reason', async () => {
    const ok = await runCliInProcess(
      ['user', 'set-password', 'carol', '--password-stdin', '--json'],
      { env, input: 'another good password' },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ login: 'carol', revoked_refresh_tokens: 0 });

    const unknown = await runCliInProcess(['user', 'set-password', 'nobody', '--password-stdin'], {
      env,
      input: 'another good password',
    });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('nobody');

    const short = await runCliInProcess(['user', 'set-password', 'carol', '--password-stdin'], {
      env,
      input: 'short',
    });
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain('at least 8 characters');
    expect(short.stderr).not.toContain('short\n');
    // The refused change left the password as it was.
    expect((await signIn('another good password')).status).toBe(200);
  });
});
