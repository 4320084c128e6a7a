import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureSigningKey } from '../../../src/core/signing_keys/ensure_signing_key.js';
import { issueAccessToken } from '../../../src/core/tokens/issue_access_token.js';
import { issueRefreshToken } from '../../../src/core/tokens/issue_refresh_token.js';
import {
  ACCESS_TOKEN_TYP,
  LEGACY_TOKEN_TYP,
  REFRESH_TOKEN_TYP,
  sameTokenTyp,
  type TokenTyp,
} from '../../../src/core/tokens/token_types.js';
import { verifyAccessToken } from '../../../src/core/tokens/verify_access_token.js';
import { verifyRefreshToken } from '../../../src/core/tokens/verify_refresh_token.js';
import {
  ALICE,
  AUDIENCE,
  createTokenWorld,
  ISSUER,
  START_MS,
  type TokenWorld,
} from './token_fixtures.js';

const NOW = START_MS / 1000;

let world: TokenWorld;
let kid: string;
beforeEach(async () => {
  world = await createTokenWorld();
  kid = (await ensureSigningKey(world.keyDeps)).kid;
});

const REFRESH = {
  subject: ALICE.subject,
  clientId: ALICE.clientId,
  scope: ALICE.scope,
  organizationId: ALICE.organizationId,
  familyId: 'family-1',
};

describe('refresh tokens as JWTs (O-9)', () => {
  it('carry typ rt+jwt and iss sub aud(=issuer) client_id scope org iat exp jti fid', async () => {
    const issued = await issueRefreshToken(world.tokens, {
      ...REFRESH,
      jti: 'row-jti-1',
      expiresAt: NOW + 432_000,
    });
    expect(issued).toMatchObject({ jti: 'row-jti-1', expiresAt: NOW + 432_000 });
    expect(decodeProtectedHeader(issued.token)).toEqual({ alg: 'ES256', typ: 'rt+jwt', kid });
    expect(decodeJwt(issued.token)).toEqual({
      iss: ISSUER,
      sub: ALICE.subject,
      aud: ISSUER,
      client_id: ALICE.clientId,
      scope: ALICE.scope,
      org: ALICE.organizationId,
      iat: NOW,
      exp: NOW + 432_000,
      jti: 'row-jti-1',
      fid: 'family-1',
    });
  });

  it('default to a 432000 s lifetime and a random jti', async () => {
    const issued = await issueRefreshToken(world.tokens, REFRESH);
    expect(issued.expiresAt).toBe(NOW + 432_000);
    expect(issued.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('verify until they expire, with their claims', async () => {
    const issued = await issueRefreshToken(world.tokens, REFRESH);
    expect(await verifyRefreshToken(world.tokens, issued.token)).toEqual({
      ok: true,
      claims: {
        kid,
        subject: ALICE.subject,
        clientId: ALICE.clientId,
        scope: ALICE.scope,
        organizationId: ALICE.organizationId,
        familyId: 'family-1',
        jti: issued.jti,
        issuedAt: NOW,
        expiresAt: NOW + 432_000,
      },
    });
    world.clock.advance(432_000_000);
    expect(await verifyRefreshToken(world.tokens, issued.token)).toEqual({
      ok: false,
      code: 'expired',
    });
  });

  it('are refused as access tokens, and access tokens are refused as refresh tokens', async () => {
    const refresh = await issueRefreshToken(world.tokens, REFRESH);
    // Same key, same issuer, and an audience that matches: only typ tells them apart.
    expect(await verifyAccessToken(world.tokens, refresh.token, { audience: ISSUER })).toEqual({
      ok: false,
      code: 'wrong_type',
    });
    const access = await issueAccessToken(world.tokens, { ...ALICE, audience: ISSUER });
    expect(await verifyRefreshToken(world.tokens, access.token)).toEqual({
      ok: false,
      code: 'wrong_type',
    });
    const forApi = await issueAccessToken(world.tokens, { ...ALICE, audience: AUDIENCE });
    expect((await verifyRefreshToken(world.tokens, forApi.token)).ok).toBe(false);
  });

  it('refuse garbage without throwing', async () => {
    for (const input of ['', 'a.b.c', '...', 'x'.repeat(100_000), null]) {
      expect((await verifyRefreshToken(world.tokens, input)).ok).toBe(false);
    }
  });

  it('refuse a caller asking for a token that is already expired (misuse)', async () => {
    await expect(issueRefreshToken(world.tokens, { ...REFRESH, expiresAt: NOW })).rejects.toThrow(
      TypeError,
    );
    await expect(issueRefreshToken(world.tokens, { ...REFRESH, familyId: '' })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('token typ reservation (L-2)', () => {
  it('gives each kind its own typ and matches only its own', () => {
    const all: TokenTyp[] = [ACCESS_TOKEN_TYP, REFRESH_TOKEN_TYP, LEGACY_TOKEN_TYP];
    expect(new Set(all).size).toBe(3);
    for (const expected of all) {
      for (const presented of all) {
        expect(sameTokenTyp(presented, expected)).toBe(presented === expected);
      }
      expect(sameTokenTyp(`application/${expected.toUpperCase()}`, expected)).toBe(true);
      expect(sameTokenTyp('JWT', expected)).toBe(false);
      expect(sameTokenTyp(undefined, expected)).toBe(false);
    }
  });
});
