import type { OAuthClientRecord, PkceMethod, Store } from '../../store/port.js';
import { isPkceValue } from './checks/pkce.js';
import { redirectUriMatches } from './checks/redirect_uri.js';
import { formatScope, grantScope, parseScope } from './checks/scope.js';
import type { OAuthErrorCode } from './oauth_error.js';

/** A validated authorization request (O-3), ready for sign-in and consent. */
export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  /** Echoed byte-exact; null when the client sent none. */
  readonly state: string | null;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: PkceMethod | null;
}

/** Outcome of validating `/oauth/authorize` parameters. */
export type AuthorizationValidation =
  | {
      readonly kind: 'ok';
      readonly request: AuthorizationRequest;
      readonly client: OAuthClientRecord;
    }
  /** The client or redirect URI cannot be trusted: show an error page, never redirect (O-2). */
  | { readonly kind: 'error_page'; readonly description: string }
  /** The redirect URI is trusted: send the error back to the client (O-3). */
  | {
      readonly kind: 'redirect_error';
      readonly redirectUri: string;
      readonly error: OAuthErrorCode;
      readonly description: string;
      readonly state: string | null;
    };

/**
 * Validates authorization endpoint parameters in RFC 6749 order: client and redirect URI first
 * (failures there are shown, not redirected), then everything else (failures redirected with
 * `error`, `error_description` and `state`). Every parameter must appear at most once.
 */
export async function validateAuthorizationRequest(
  store: Store,
  query: Readonly<Record<string, string | readonly string[] | undefined>>,
): Promise<AuthorizationValidation> {
  const single = (name: string): string | undefined | null => {
    const value = query[name];
    if (Array.isArray(value)) return null;
    return value as string | undefined;
  };
  const clientId = single('client_id');
  if (!clientId) return { kind: 'error_page', description: 'The request has no valid client_id.' };
  const client = await store.oauthClients.findByClientId(clientId);
  if (!client) return { kind: 'error_page', description: 'This application is not registered.' };
  const requested = single('redirect_uri');
  if (requested === null) {
    return { kind: 'error_page', description: 'redirect_uri was sent more than once.' };
  }
  const redirectUri =
    requested ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (redirectUri === undefined || !redirectUriMatches(client.redirectUris, redirectUri)) {
    return {
      kind: 'error_page',
      description:
        'The redirect_uri does not exactly match one registered for this application, so keygate will not send you there.',
    };
  }
  const state = single('state');
  const fail = (error: OAuthErrorCode, description: string): AuthorizationValidation => ({
    kind: 'redirect_error',
    redirectUri,
    error,
    description,
    state: typeof state === 'string' ? state : null,
  });
  for (const name of [
    'response_type',
    'scope',
    'state',
    'code_challenge',
    'code_challenge_method',
  ]) {
    if (single(name) === null) return fail('invalid_request', `${name} was sent more than once`);
  }
  if (single('response_type') !== 'code') {
    return fail('unsupported_response_type', 'response_type must be code');
  }
  if (!client.grantTypes.includes('authorization_code')) {
    return fail('unauthorized_client', 'this client may not use the authorization code grant');
  }
  const scopes = grantScope(parseScope(single('scope')), client.scopes);
  if (scopes === null) return fail('invalid_scope', 'a requested scope is not allowed');

  const challenge = single('code_challenge') ?? null;
  const method = single('code_challenge_method') ?? (challenge ? 'plain' : null);
  if (challenge === null) {
    if (client.requirePkce) {
      return fail(
        'invalid_request',
        'PKCE is required: send code_challenge with code_challenge_method=S256',
      );
    }
    if (method !== null)
      return fail('invalid_request', 'code_challenge_method without code_challenge');
  } else {
    if (method !== 'S256' && method !== 'plain') {
      return fail('invalid_request', 'code_challenge_method must be S256');
    }
    if (method === 'plain' && !client.allowPlainPkce) {
      return fail('invalid_request', 'code_challenge_method plain is not allowed; use S256');
    }
    if (!isPkceValue(challenge)) {
      return fail('invalid_request', 'code_challenge must be 43 to 128 unreserved characters');
    }
  }
  return {
    kind: 'ok',
    client,
    request: {
      clientId: client.clientId,
      redirectUri,
      scope: formatScope(scopes),
      state: typeof state === 'string' ? state : null,
      codeChallenge: challenge,
      codeChallengeMethod: challenge === null ? null : (method as PkceMethod),
    },
  };
}
