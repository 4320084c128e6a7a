import { type AuthContext, resolveUrl } from './auth_context.js';
import type { ClientAuthentication } from './client_authentication.js';
import { KeygateHttpError, OAuthError } from './errors.js';
import { fetchJson } from './fetch_json.js';
import type { TokenResponse } from './token_set.js';

/** Options for {@link requestToken}. */
export interface RequestTokenOptions {
  readonly clientId: string;
  readonly clientAuthentication: ClientAuthentication;
  /** Grant parameters (`grant_type`, `code`, `refresh_token`, `key` …). */
  readonly params: Readonly<Record<string, string>>;
  /** Body encoding: `form` (RFC 6749) or `json` (Penneo's clients). Default `form`. */
  readonly format?: 'form' | 'json';
  /** Token endpoint path; default `/oauth/token`. */
  readonly path?: string;
}

/**
 * POSTs one grant to the token endpoint (O-6) and returns its JSON answer.
 *
 * Redirects are not followed (they would carry the client secret and the grant elsewhere).
 * This stays the SDK's own rather than oauth4webapi's grant requests: those send form bodies
 * only (the `api_keys` grant is JSON), need token endpoint metadata and https, and report
 * refusals as their own errors instead of {@link OAuthError} and KeygateHttpError.
 *
 * @throws OAuthError when the server refuses with an RFC 6749 §5.2 body; KeygateHttpError for
 *   a redirect or any other non-2xx answer; InvalidResponseError for a 2xx answer without a
 *   JSON object.
 */
export async function requestToken(
  context: AuthContext,
  options: RequestTokenOptions,
): Promise<TokenResponse> {
  const body: Record<string, string> = { ...options.params };
  const headers: Record<string, string> = {};
  options.clientAuthentication.apply(options.clientId, body, headers);
  const json = options.format === 'json';
  headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
  const url = resolveUrl(context.baseUrl, options.path ?? '/oauth/token');
  try {
    const answer = await fetchJson(context.fetch, {
      method: 'POST',
      url,
      headers,
      body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
      what: 'the token endpoint',
    });
    return answer as TokenResponse;
  } catch (error) {
    // An RFC 6749 §5.2 body: the error the caller switches on is the OAuth one.
    if (error instanceof KeygateHttpError && error.error !== undefined) {
      throw new OAuthError(error.error, error.errorDescription, error.status);
    }
    throw error;
  }
}
