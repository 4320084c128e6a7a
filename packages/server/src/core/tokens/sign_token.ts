import { sign } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { TokenDeps } from './token_deps.js';
import type { TokenTyp } from './token_types.js';

// The encoded protected header per (kid, typ): a handful of keys, each with a few types.
const encodedHeaders = new Map<string, string>();
const MAX_CACHED_HEADERS = 64;

function encodedHeader(typ: TokenTyp, kid: string): string {
  const cacheKey = `${kid}\u0000${typ}`;
  let encoded = encodedHeaders.get(cacheKey);
  if (encoded === undefined) {
    encoded = Buffer.from(JSON.stringify({ alg: 'ES256', typ, kid })).toString('base64url');
    if (encodedHeaders.size >= MAX_CACHED_HEADERS) encodedHeaders.clear();
    encodedHeaders.set(cacheKey, encoded);
  }
  return encoded;
}

/**
 * Signs `claims` as a compact JWS with the key that signs now: header
 * `{ alg: 'ES256', typ, kid }` and nothing else. Throws `SigningKeyError` when no key can sign.
 *
 * ES256 through `node:crypto` directly (RFC 7515 §5.1 compact serialization, RFC 7518 §3.4
 * `r ‖ s` signature, i.e. `dsaEncoding: 'ieee-p1363'`): the same header and payload encoding
 * as jose's `SignJWT`, at about a third of its CPU per token (no WebCrypto job and promise per
 * signature), which the token endpoint's benchmark showed mattered. Tokens verify with any
 * JOSE library (jose's `jwtVerify` and `createRemoteJWKSet` in the tests).
 */
export async function signToken(
  deps: Pick<TokenDeps, 'keys'>,
  typ: TokenTyp,
  claims: JWTPayload,
): Promise<string> {
  const { kid, privateKey } = await deps.keys.signingKey();
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signingInput = `${encodedHeader(typ, kid)}.${payload}`;
  const signature = sign('sha256', Buffer.from(signingInput, 'latin1'), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}
