import type { PresentedClient } from '../../core/oauth/authenticate_client.js';
import { OAuthError } from '../../core/oauth/oauth_error.js';

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * Reads client authentication from HTTP Basic (RFC 6749 §2.3.1: id and secret form-encoded,
 * then base64) or from `client_id`/`client_secret` in the body. Using both is refused.
 * Null when the request names no client at all.
 */
export function readClientCredentials(
  authorization: string | undefined,
  body: Readonly<Record<string, string>>,
): PresentedClient | null {
  const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (authorization !== undefined && /^Basic\b/i.test(authorization) && !basic) {
    throw new OAuthError('invalid_client', 'malformed HTTP Basic credentials', 401);
  }
  if (basic?.[1]) {
    if (body.client_secret !== undefined) {
      throw new OAuthError(
        'invalid_request',
        'use HTTP Basic or client_secret in the body, not both',
      );
    }
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'malformed HTTP Basic credentials', 401);
    const clientId = formDecode(decoded.slice(0, colon));
    if (body.client_id !== undefined && body.client_id !== clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from HTTP Basic');
    }
    return { clientId, clientSecret: formDecode(decoded.slice(colon + 1)), method: 'basic' };
  }
  if (body.client_id === undefined) return null;
  return { clientId: body.client_id, clientSecret: body.client_secret ?? null, method: 'body' };
}
