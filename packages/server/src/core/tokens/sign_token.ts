import { type JWTPayload, SignJWT } from 'jose';
import type { TokenDeps } from './token_deps.js';
import type { TokenTyp } from './token_types.js';

/**
 * Signs `claims` as a compact JWS with the key that signs now: header
 * `{ alg: 'ES256', typ, kid }` and nothing else. Throws `SigningKeyError` when no key can sign.
 */
export async function signToken(
  deps: Pick<TokenDeps, 'keys'>,
  typ: TokenTyp,
  claims: JWTPayload,
): Promise<string> {
  const { kid, privateKey } = await deps.keys.signingKey();
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ, kid }).sign(privateKey);
}
