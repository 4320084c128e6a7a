import type { OAuthClientRecord } from '../../../store/port.js';
import { unixSeconds } from '../../clock.js';
import type { CredentialBinding } from '../../tokens/credential_stamps.js';
import { verifyUsernameToken } from '../../wsse/verify_username_token.js';
import { formatScope, grantScope, parseScope } from '../checks/scope.js';
import type { GrantDeps } from '../grant_deps.js';
import { OAuthError } from '../oauth_error.js';
import { requireGrantAllowed, requireParam, type TokenParams } from '../token_request.js';
import { type TokenResponse, tokenResponse } from '../token_response.js';

/**
 * The api_keys grant (O-8): `key`, `nonce`, `created_at` and `digest` are a WSSE UsernameToken
 * in body fields and go through exactly the W-2..W-7 verification, sharing the replay store,
 * so a header captured from an X-WSSE request cannot be replayed here (or the reverse). The
 * token acts as the key's user in the key's organization and carries the key's id and stamp
 * (`cid`, `cst`), so revoking, disabling or resetting the key ends it; there is no
 * refresh token.
 */
export async function apiKeysGrant(
  deps: GrantDeps,
  client: OAuthClientRecord,
  params: TokenParams,
): Promise<TokenResponse> {
  requireGrantAllowed(client, 'api_keys');
  const token = {
    username: requireParam(params, 'key'),
    nonce: requireParam(params, 'nonce'),
    created: requireParam(params, 'created_at'),
    passwordDigest: requireParam(params, 'digest'),
  };
  const scopes = grantScope(parseScope(params.scope), client.scopes);
  if (scopes === null) throw new OAuthError('invalid_scope', 'a requested scope is not allowed');
  const result = await verifyUsernameToken(deps.wsse, token, 'key');
  if (!result.ok) {
    throw new OAuthError('invalid_grant', `${result.code}: ${result.description}`);
  }
  const { principal } = result;
  const credential = await boundCredential(deps, principal.credential?.id);
  const scope = formatScope(scopes);
  const access = await deps.tokens.issueAccessToken({
    subject: principal.user.id,
    clientId: client.clientId,
    scope,
    organizationId: principal.organization.id,
    familyId: null,
    credential,
  });
  return tokenResponse(access, scope, unixSeconds(deps.now()));
}

async function boundCredential(
  deps: GrantDeps,
  id: string | undefined,
): Promise<CredentialBinding> {
  const stamp = id === undefined ? null : await deps.credentialStamps.current(id);
  if (id === undefined || stamp === null) {
    throw new OAuthError('invalid_grant', 'credential_disabled: the API key is no longer active');
  }
  return { id, stamp };
}
