import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TokenService } from '../../../src/core/oauth/token_service.js';
import { ensureSigningKey } from '../../../src/core/signing_keys/ensure_signing_key.js';
import { createTokenService } from '../../../src/core/tokens/create_token_service.js';
import {
  ALICE,
  AUDIENCE,
  createTokenWorld,
  ISSUER,
  START_MS,
  type TokenWorld,
} from './token_fixtures.js';

const NOW = START_MS / 1000;
const SUBJECT = {
  subject: ALICE.subject,
  clientId: ALICE.clientId,
  scope: ALICE.scope,
  organizationId: ALICE.organizationId,
  familyId: 'family-1',
};

let world: TokenWorld;
let service: TokenService;
beforeEach(async () => {
  world = await createTokenWorld({ memo: true });
  await ensureSigningKey(world.keyDeps);
  service = createTokenService(world.tokens);
});

describe('createTokenService (the grants’ TokenService)', () => {
  it('issues access tokens for the issuer by default and verifies them', async () => {
    const access = await service.issueAccessToken(SUBJECT);
    expect(decodeProtectedHeader(access.token).typ).toBe('at+jwt');
    expect(decodeJwt(access.token)).toMatchObject({
      aud: ISSUER,
      exp: NOW + 3600,
      fid: 'family-1',
    });
    expect(await service.verifyAccessToken(access.token)).toEqual({
      kid: expect.any(String),
      jti: access.jti,
      subject: ALICE.subject,
      clientId: ALICE.clientId,
      scope: ALICE.scope,
      organizationId: ALICE.organizationId,
      familyId: 'family-1',
      credential: null,
      issuedAt: NOW,
      expiresAt: NOW + 3600,
      issuer: ISSUER,
      audience: [ISSUER],
    });
  });

  it('signs refresh tokens with the grant’s jti and expiry, and keeps the two kinds apart', async () => {
    const refresh = await service.issueRefreshToken(SUBJECT, 'row-1', NOW + 100);
    expect(refresh).toMatchObject({ jti: 'row-1', expiresAt: NOW + 100 });
    expect(await service.verifyRefreshToken(refresh.token)).toEqual({
      kid: expect.any(String),
      jti: 'row-1',
      clientId: ALICE.clientId,
      subject: ALICE.subject,
      scope: ALICE.scope,
      organizationId: ALICE.organizationId,
      familyId: 'family-1',
      issuedAt: NOW,
      expiresAt: NOW + 100,
    });
    const access = await service.issueAccessToken(SUBJECT);
    expect(await service.verifyAccessToken(refresh.token)).toBeNull();
    expect(await service.verifyRefreshToken(access.token)).toBeNull();
    world.clock.advance(100_000);
    expect(await service.verifyRefreshToken(refresh.token)).toBeNull();
  });

  it('uses a configured audience and lifetime', async () => {
    const custom = createTokenService(world.tokens, {
      accessTokenAudience: AUDIENCE,
      accessTokenLifetimeSeconds: 600,
    });
    const access = await custom.issueAccessToken({
      ...SUBJECT,
      organizationId: null,
      familyId: null,
    });
    expect(decodeJwt(access.token)).toMatchObject({ aud: AUDIENCE, exp: NOW + 600 });
    expect(await custom.verifyAccessToken(access.token)).toMatchObject({
      audience: [AUDIENCE],
      organizationId: null,
      familyId: null,
    });
    expect(await service.verifyAccessToken(access.token)).toBeNull();
  });
});
