import { randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import { hashAuthorizationCode } from './hash_code.js';
import { redirectWithParams } from './redirect_with_params.js';
import type { AuthorizationRequest } from './validate_authorization_request.js';

/**
 * Issues an authorization code (O-5) for a signed-in user who approved the request, and
 * returns the redirect back to the client. The code is 256 random bits, stored only as its
 * hash, single use, bound to client, redirect URI, scope, user, organization and PKCE
 * challenge; the redirect carries `iss` (RFC 9207) against mix-up attacks. Its token family is created now, so a second redemption racing the first can
 * always revoke what the first one issues.
 */
export async function issueAuthorizationCode(
  deps: { store: Store; now: () => number; codeLifetimeSeconds: number; issuer: string },
  request: AuthorizationRequest,
  who: { userId: string; organizationId: string },
): Promise<string> {
  const now = unixSeconds(deps.now());
  const code = randomBytes(32).toString('base64url');
  const familyId = randomUUID();
  await deps.store.tokenFamilies.create({
    id: familyId,
    clientId: request.clientId,
    userId: who.userId,
    organizationId: who.organizationId,
    createdAt: now,
    revokedAt: null,
  });
  await deps.store.authorizationCodes.create({
    codeHash: hashAuthorizationCode(code),
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scope: request.scope,
    userId: who.userId,
    organizationId: who.organizationId,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    familyId,
    createdAt: now,
    expiresAt: now + deps.codeLifetimeSeconds,
    consumedAt: null,
  });
  return redirectWithParams(request.redirectUri, {
    code,
    state: request.state,
    iss: deps.issuer,
  });
}
