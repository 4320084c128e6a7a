import type { PresentedClient } from '../../core/oauth/authenticate_client.js';
import { OAuthError } from '../../core/oauth/oauth_error.js';

/** `Basic` and its credentials (RFC 7617); anything else after the scheme is malformed. */
const BASIC = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const malformed = () =>
  new OAuthError(
    'invalid_client',
    'malformed HTTP Basic credentials: send base64(form-encoded client_id ":" form-encoded client_secret)',
  );

/** RFC 6749 §2.3.1 form-decoding; a broken percent-encoding is malformed, not kept as is. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw malformed();
  }
}

/** The bytes of canonical, padded base64, or null: a lenient decoder would guess at the rest. */
function strictBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

function readBasic(credentials: string): { clientId: string; clientSecret: string } {
  const bytes = strictBase64(credentials);
  if (bytes === null) throw malformed();
  let decoded: string;
  try {
    decoded = UTF8.decode(bytes);
  } catch {
    throw malformed();
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) throw malformed();
  const clientId = formDecode(decoded.slice(0, colon));
  if (clientId === '') throw malformed();
  return { clientId, clientSecret: formDecode(decoded.slice(colon + 1)) };
}

/**
 * Reads client authentication from HTTP Basic (RFC 6749 §2.3.1: id and secret form-encoded,
 * then base64) or from `client_id`/`client_secret` in the body. One method per request:
 * Basic together with a body `client_secret` is `invalid_request`, and a body `client_id`
 * beside Basic must name the same client. Malformed Basic credentials (not canonical base64,
 * not UTF-8, no colon, a broken percent-encoding, an empty id) are `invalid_client` (401,
 * with the Basic challenge). Null when the request names no client at all.
 */
export function readClientCredentials(
  authorization: string | undefined,
  body: Readonly<Record<string, string>>,
): PresentedClient | null {
  if (authorization !== undefined && /^Basic\b/i.test(authorization)) {
    const credentials = BASIC.exec(authorization)?.[1];
    if (credentials === undefined) throw malformed();
    const basic = readBasic(credentials);
    if (body.client_secret !== undefined) {
      throw new OAuthError(
        'invalid_request',
        'use HTTP Basic or client_secret in the body, not both',
      );
    }
    if (body.client_id !== undefined && body.client_id !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from HTTP Basic');
    }
    return basic;
  }
  if (body.client_id === undefined) return null;
  return { clientId: body.client_id, clientSecret: body.client_secret ?? null };
}
