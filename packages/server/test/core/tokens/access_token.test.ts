import { createHmac, createPublicKey, randomBytes } from 'node:crypto';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWTHeaderParameters,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureSigningKey } from '../../../src/core/signing_keys/ensure_signing_key.js';
import { issueAccessToken } from '../../../src/core/tokens/issue_access_token.js';
import { issueRefreshToken } from '../../../src/core/tokens/issue_refresh_token.js';
import { verifyAccessToken } from '../../../src/core/tokens/verify_access_token.js';
import {
  ALICE,
  AUDIENCE,
  createTokenWorld,
  ISSUER,
  START_MS,
  type TokenWorld,
} from './token_fixtures.js';

const NOW = START_MS / 1000;

// Every check must hold whether or not verified signatures are remembered.
describe.each(['without', 'with'] as const)('%s the verified-token memo', (memoMode) => {
  let world: TokenWorld;
  let kid: string;
  beforeEach(async () => {
    world = await createTokenWorld({ memo: memoMode === 'with' });
    kid = (await ensureSigningKey(world.keyDeps)).kid;
  });

  const verify = (token: unknown, audience = AUDIENCE) =>
    verifyAccessToken(world.tokens, token, { audience });

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  function validClaims(overrides: JWTPayload = {}): JWTPayload {
    return {
      iss: ISSUER,
      sub: ALICE.subject,
      aud: AUDIENCE,
      client_id: ALICE.clientId,
      scope: ALICE.scope,
      org: ALICE.organizationId,
      iat: NOW,
      exp: NOW + 3600,
      jti: 'jti-1',
      ...overrides,
    };
  }

  /** Signs with keygate's own current private key, with any header and claims. */
  async function signWithKeygateKey(
    header: Partial<JWTHeaderParameters>,
    claims: JWTPayload = validClaims(),
  ): Promise<string> {
    const { privateKey, kid: currentKid } = await world.cache.signingKey();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: currentKid, ...header })
      .sign(privateKey);
  }

  describe('issueAccessToken (O-10, RFC 9068)', () => {
    it('signs ES256 with typ at+jwt and kid, and the claims iss sub aud client_id scope org iat exp jti fid', async () => {
      const issued = await issueAccessToken(world.tokens, ALICE);
      expect(decodeProtectedHeader(issued.token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid });
      const claims = decodeJwt(issued.token);
      expect(claims).toEqual({
        iss: ISSUER,
        sub: ALICE.subject,
        aud: AUDIENCE,
        client_id: ALICE.clientId,
        scope: ALICE.scope,
        org: ALICE.organizationId,
        iat: NOW,
        exp: NOW + 3600,
        jti: issued.jti,
        fid: ALICE.familyId,
      });
      expect(issued.expiresAt).toBe(NOW + 3600);
      expect(issued.jti).toMatch(/^[0-9a-f-]{36}$/);
      expect((await issueAccessToken(world.tokens, ALICE)).jti).not.toBe(issued.jti);
    });

    it('omits org and fid for a client acting as itself, and honours lifetimeSeconds', async () => {
      const issued = await issueAccessToken(world.tokens, {
        subject: 'client-app',
        clientId: 'client-app',
        scope: '',
        organizationId: null,
        audience: AUDIENCE,
        lifetimeSeconds: 60,
      });
      const claims = decodeJwt(issued.token);
      expect(claims).not.toHaveProperty('org');
      expect(claims).not.toHaveProperty('fid');
      expect(claims.exp).toBe(NOW + 60);
      const result = await verify(issued.token);
      expect(result.ok && result.claims).toMatchObject({
        organizationId: null,
        familyId: null,
        scope: '',
      });
    });

    it('is accepted by jose createLocalJWKSet + jwtVerify with typ at+jwt (what resource servers run)', async () => {
      const { token } = await issueAccessToken(world.tokens, ALICE);
      const jwks = createLocalJWKSet(structuredClone((await world.cache.jwks()) as never));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        algorithms: ['ES256'],
        typ: 'at+jwt',
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: new Date(START_MS),
      });
      expect(protectedHeader.kid).toBe(kid);
      expect(payload.client_id).toBe(ALICE.clientId);
    });
  });

  describe('verifyAccessToken accepts', () => {
    it('a token keygate issued, returning its claims', async () => {
      const issued = await issueAccessToken(world.tokens, ALICE);
      expect(await verify(issued.token)).toEqual({
        ok: true,
        claims: {
          kid,
          issuer: ISSUER,
          subject: ALICE.subject,
          audience: [AUDIENCE],
          clientId: ALICE.clientId,
          scope: ALICE.scope,
          organizationId: ALICE.organizationId,
          familyId: ALICE.familyId,
          credential: null,
          jti: issued.jti,
          issuedAt: NOW,
          expiresAt: NOW + 3600,
        },
      });
    });

    it('a token made from an API credential, returning its cid and cst', async () => {
      const credential = { id: 'credential-1', stamp: 'stamp-1' };
      const issued = await issueAccessToken(world.tokens, { ...ALICE, credential });
      expect(decodeJwt(issued.token)).toMatchObject({ cid: 'credential-1', cst: 'stamp-1' });
      const result = await verify(issued.token);
      expect(result.ok && result.claims.credential).toEqual(credential);
    });

    it('an aud array containing the audience, and typ application/at+jwt', async () => {
      const token = await signWithKeygateKey(
        { typ: 'application/at+jwt' },
        validClaims({ aud: ['https://other.test', AUDIENCE] }),
      );
      expect((await verify(token)).ok).toBe(true);
    });

    it('until the clock reaches exp', async () => {
      const { token } = await issueAccessToken(world.tokens, ALICE);
      world.clock.advance(3599_000);
      expect((await verify(token)).ok).toBe(true);
      world.clock.advance(1000);
      expect(await verify(token)).toEqual({ ok: false, code: 'expired' });
    });
  });

  describe('verifyAccessToken refuses', () => {
    it('alg none (an unsigned token built by hand)', async () => {
      const { token } = await issueAccessToken(world.tokens, ALICE);
      const payload = token.split('.')[1];
      for (const alg of ['none', 'None', 'NONE']) {
        const unsigned = `${b64({ alg, typ: 'at+jwt', kid })}.${payload}.`;
        expect(await verify(unsigned)).toEqual({ ok: false, code: 'unsupported_algorithm' });
      }
      const noAlg = `${b64({ typ: 'at+jwt', kid })}.${payload}.`;
      expect(await verify(noAlg)).toEqual({ ok: false, code: 'unsupported_algorithm' });
    });

    it('HS256 keyed with the public key (JWK JSON, x‖y bytes, SPKI DER and PEM)', async () => {
      const jwks = await world.cache.jwks();
      const published = jwks.keys[0];
      if (published === undefined) throw new Error('no key');
      const publicKey = createPublicKey({ key: { ...published }, format: 'jwk' });
      const secrets: Buffer[] = [
        Buffer.from(JSON.stringify(published)),
        Buffer.from(JSON.stringify(jwks)),
        Buffer.concat([
          Buffer.from([4]),
          Buffer.from(published.x, 'base64url'),
          Buffer.from(published.y, 'base64url'),
        ]),
        publicKey.export({ format: 'der', type: 'spki' }),
        Buffer.from(publicKey.export({ format: 'pem', type: 'spki' })),
      ];
      for (const secret of secrets) {
        const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid })}.${b64(validClaims())}`;
        const mac = createHmac('sha256', secret).update(input).digest('base64url');
        expect(await verify(`${input}.${mac}`)).toEqual({
          ok: false,
          code: 'unsupported_algorithm',
        });
        // The same MAC under a header that claims ES256 is just a bad signature.
        const relabelled = `${b64({ alg: 'ES256', typ: 'at+jwt', kid })}.${b64(validClaims())}`;
        const mac2 = createHmac('sha256', secret).update(relabelled).digest('base64url');
        expect(await verify(`${relabelled}.${mac2}`)).toEqual({
          ok: false,
          code: 'invalid_signature',
        });
      }
    });

    it('a token signed by a foreign ES256 key: same kid, another kid, or no kid', async () => {
      const foreign = await generateKeyPair('ES256');
      const sign = (header: Partial<JWTHeaderParameters>) =>
        new SignJWT(validClaims())
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header })
          .sign(foreign.privateKey);
      expect(await verify(await sign({ kid }))).toEqual({ ok: false, code: 'invalid_signature' });
      expect(await verify(await sign({ kid: 'someone-else' }))).toEqual({
        ok: false,
        code: 'unknown_key',
      });
      expect(await verify(await sign({}))).toEqual({ ok: false, code: 'unknown_key' });
      expect(await verify(await sign({ kid: '' }))).toEqual({ ok: false, code: 'unknown_key' });
    });

    it('jku, jwk, x5u, x5c headers, even when keygate’s own key signed the token', async () => {
      const published = (await world.cache.jwks()).keys[0];
      const certificate = randomBytes(64).toString('base64');
      const headers: Partial<JWTHeaderParameters>[] = [
        { jku: `${ISSUER}/oauth/token/jwks` },
        { jwk: { ...published } },
        { x5u: 'https://attacker.test/cert.pem' },
        { x5c: [certificate] },
      ];
      for (const header of headers) {
        const token = await signWithKeygateKey(header);
        expect(await verify(token)).toEqual({ ok: false, code: 'forbidden_header' });
      }
      // The control: the same signing without those headers passes.
      expect((await verify(await signWithKeygateKey({}))).ok).toBe(true);
    });

    it('a crit header keygate does not understand', async () => {
      const { privateKey, kid: currentKid } = await world.cache.signingKey();
      const token = await new SignJWT(validClaims())
        .setProtectedHeader({
          alg: 'ES256',
          typ: 'at+jwt',
          kid: currentKid,
          crit: ['exp2'],
          exp2: 1,
        })
        .sign(privateKey, { crit: { exp2: true } });
      expect(await verify(token)).toEqual({ ok: false, code: 'forbidden_header' });
    });

    it('the wrong typ: a refresh token, JWT, a legacy token, or none', async () => {
      const refresh = await issueRefreshToken(world.tokens, { ...ALICE, familyId: 'family-1' });
      // Even with the audience a refresh token carries, the typ stops it.
      expect(await verify(refresh.token, ISSUER)).toEqual({ ok: false, code: 'wrong_type' });
      for (const typ of ['JWT', 'jwt', 'legacy+jwt', 'rt+jwt', 'at+jwt ', 'application/jwt']) {
        expect(await verify(await signWithKeygateKey({ typ }))).toEqual({
          ok: false,
          code: 'wrong_type',
        });
      }
      const { privateKey, kid: currentKid } = await world.cache.signingKey();
      const untyped = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: 'ES256', kid: currentKid })
        .sign(privateKey);
      expect(await verify(untyped)).toEqual({ ok: false, code: 'wrong_type' });
    });

    it('the wrong audience', async () => {
      const { token } = await issueAccessToken(world.tokens, ALICE);
      expect(await verify(token, 'https://other-api.test')).toEqual({
        ok: false,
        code: 'wrong_audience',
      });
      for (const aud of [undefined, 42, [], ['https://other-api.test'], [AUDIENCE, 7]]) {
        const claims = validClaims({ aud: aud as never });
        if (aud === undefined) delete claims.aud;
        expect(await verify(await signWithKeygateKey({}, claims))).toEqual({
          ok: false,
          code: 'wrong_audience',
        });
      }
    });

    it('the wrong issuer', async () => {
      for (const iss of ['https://evil.test', `${ISSUER}/`, undefined]) {
        const claims = validClaims({ iss });
        if (iss === undefined) delete claims.iss;
        expect(await verify(await signWithKeygateKey({}, claims))).toEqual({
          ok: false,
          code: 'wrong_issuer',
        });
      }
    });

    it('expired tokens (clock moved past exp), and nbf ahead', async () => {
      const { token } = await issueAccessToken(world.tokens, ALICE);
      world.clock.advance(7200_000);
      expect(await verify(token)).toEqual({ ok: false, code: 'expired' });
      world.clock.set(START_MS);
      const early = await signWithKeygateKey({}, validClaims({ nbf: NOW + 10 }));
      expect(await verify(early)).toEqual({ ok: false, code: 'not_yet_valid' });
    });

    it('missing or ill-typed required claims', async () => {
      const cases: JWTPayload[] = [
        validClaims({ exp: undefined }),
        validClaims({ exp: '9999999999' as never }),
        validClaims({ iat: undefined }),
        validClaims({ sub: undefined }),
        validClaims({ sub: '' }),
        validClaims({ client_id: undefined }),
        validClaims({ jti: undefined }),
        validClaims({ scope: undefined }),
        validClaims({ org: 42 as never }),
        validClaims({ fid: null as never }),
        validClaims({ cid: 'credential-1' }),
        validClaims({ cst: 'stamp-1' }),
        validClaims({ cid: 7 as never, cst: 'stamp-1' }),
      ];
      for (const claims of cases) {
        const defined = Object.fromEntries(
          Object.entries(claims).filter(([, v]) => v !== undefined),
        );
        const signed = await signWithKeygateKey({}, defined);
        expect(await verify(signed)).toEqual({ ok: false, code: 'invalid_claims' });
      }
    });

    it('garbage, odd shapes and huge inputs, without throwing', async () => {
      const { token } = await issueAccessToken(world.tokens, ALICE);
      const [h, p, s] = token.split('.') as [string, string, string];
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      // The final character of 86 carries 4 unused bits; flipping one gives another spelling
      // of the same 64 bytes, which must not count as the same signature.
      const sibling = alphabet[alphabet.indexOf(s.at(-1) ?? 'A') ^ 1];
      const inputs: unknown[] = [
        '',
        'garbage',
        '...',
        '..',
        'a.b.c',
        'a.b.c.d',
        `${token}.`,
        `.${token}`,
        `${h}.${p}`,
        `${h}.${p}.`,
        `${h}..${s}`,
        `${h}.${p}.${s.slice(0, 85)}`,
        `${h}.${p}.${s}A`,
        `${h}.${p}.${s.slice(0, 85)}${sibling}`,
        `${h}.${p}.${s.slice(0, 40)}+${s.slice(41)}`,
        `${h}=.${p}.${s}`,
        ` ${token}`,
        `${token}\n`,
        `${b64('just a string')}.${p}.${s}`,
        `${b64([1, 2])}.${p}.${s}`,
        `${Buffer.from('{not json').toString('base64url')}.${p}.${s}`,
        'x'.repeat(1_000_000),
        `${h}.${'A'.repeat(10_000)}.${s}`,
        '.'.repeat(3),
        null,
        undefined,
        42,
        {},
        [token],
        Buffer.from(token),
      ];
      for (const input of inputs) {
        const result = await verify(input);
        expect(result.ok, String(input).slice(0, 80)).toBe(false);
      }
      expect((await verify('x'.repeat(1_000_000))).ok).toBe(false);
      expect(await verify(`${h}.${p}.${s.slice(0, 85)}${sibling}`)).toMatchObject({
        code: 'invalid_signature',
      });
      // A tampered payload under a real signature.
      const tampered = `${h}.${b64({ ...decodeJwt(token), scope: 'admin' })}.${s}`;
      expect(await verify(tampered)).toEqual({ ok: false, code: 'invalid_signature' });
      // Still fine afterwards.
      expect((await verify(token)).ok).toBe(true);
    });

    it('never returns the token in a failure', async () => {
      const { token } = await issueAccessToken(world.tokens, ALICE);
      const result = await verify(token, 'https://other-api.test');
      expect(JSON.stringify(result)).not.toContain(token.split('.')[2]);
      expect(Object.keys(result).sort()).toEqual(['code', 'ok']);
    });
  });

  describe('jose as a resource server', () => {
    it('a JWKS from another ES256 key does not verify keygate tokens', async () => {
      const { token } = await issueAccessToken(world.tokens, ALICE);
      const foreign = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(foreign.publicKey)), kid, alg: 'ES256', use: 'sig' };
      await expect(
        jwtVerify(token, createLocalJWKSet({ keys: [jwk] }), {
          algorithms: ['ES256'],
          typ: 'at+jwt',
          currentDate: new Date(START_MS),
        }),
      ).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    });
  });
});
