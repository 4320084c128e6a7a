import { OAuthError } from '../../core/oauth/oauth_error.js';
import type { TokenParams } from '../../core/oauth/token_request.js';

/**
 * Token endpoint bodies come as JSON (Penneo's clients) or form-encoded (RFC 6749). Both must
 * be a flat object of strings; a repeated form field arrives as an array and is refused, as
 * RFC 6749 §3.2 requires. Numbers and booleans in JSON are refused too.
 */
export function readTokenParams(body: unknown): TokenParams {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new OAuthError(
      'invalid_request',
      'send the parameters as application/x-www-form-urlencoded or a JSON object',
    );
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') {
      throw new OAuthError('invalid_request', `${name} must be a single string value`);
    }
    params[name] = value;
  }
  return params;
}
