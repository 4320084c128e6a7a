import type { OAuthClientRecord } from '../../../store/port.js';
import { unixSeconds } from '../../clock.js';
import { formatScope, grantScope, parseScope } from '../checks/scope.js';
import type { GrantDeps } from '../grant_deps.js';
import { OAuthError } from '../oauth_error.js';
import { requireGrantAllowed, type TokenParams } from '../token_request.js';
import { type TokenResponse, tokenResponse } from '../token_response.js';

/** The client_credentials grant (RFC 6749 §4.4): the client acts as itself; no refresh token. */
export async function clientCredentialsGrant(
  deps: GrantDeps,
  client: OAuthClientRecord,
  params: TokenParams,
): Promise<TokenResponse> {
  requireGrantAllowed(client, 'client_credentials');
  const scopes = grantScope(parseScope(params.scope), client.scopes);
  if (scopes === null) throw new OAuthError('invalid_scope', 'a requested scope is not allowed');
  const scope = formatScope(scopes);
  const access = await deps.tokens.issueAccessToken({
    subject: client.clientId,
    clientId: client.clientId,
    scope,
    organizationId: null,
    familyId: null,
  });
  return tokenResponse(access, scope, unixSeconds(deps.now()));
}
