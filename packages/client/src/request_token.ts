import { type AuthContext, resolveUrl } from './auth_context.js';
import type { ClientAuthentication } from './client_authentication.js';
import { KeygateHttpError, OAuthError } from './errors.js';
import { readResponse, requireJsonObject } from './read_response.js';
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
 * @throws OAuthError when the server refuses with an RFC 6749 §5.2 body; KeygateHttpError for
 *   any other non-2xx answer; InvalidResponseError for a 2xx answer without a JSON object.
 */
export async function requestToken(
  context: AuthContext,
  options: RequestTokenOptions,
): Promise<TokenResponse> {
  const body: Record<string, string> = { ...options.params };
  const headers: Record<string, string> = { accept: 'application/json' };
  options.clientAuthentication.apply(options.clientId, body, headers);
  const json = options.format === 'json';
  headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
  const url = resolveUrl(context.baseUrl, options.path ?? '/oauth/token');
  const response = await context.fetch(url, {
    method: 'POST',
    headers,
    body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  const read = await readResponse(response);
  if (!response.ok) {
    const fields =
      read.isJson && read.json !== null && typeof read.json === 'object' ? read.json : {};
    const { error, error_description: description } = fields as Record<string, unknown>;
    if (typeof error === 'string') {
      throw new OAuthError(
        error,
        typeof description === 'string' ? description : undefined,
        response.status,
      );
    }
    throw new KeygateHttpError('POST', url, response.status, read.text);
  }
  const object = requireJsonObject(read, 'the token endpoint');
  return object as TokenResponse;
}
