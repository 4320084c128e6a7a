import { invalidRequest } from './resource_refusals.js';

/** Request headers as Node.js, Express and Fastify give them (names in any case). */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The credential a request carries, in keygate's scheme order. */
export type RequestCredential =
  /** WSSE or a legacy JWT: checked by keygate, with these headers forwarded to it. */
  | { readonly scheme: 'wsse' | 'legacy_jwt'; readonly forward: Record<string, string> }
  /** An OAuth access token: verified locally. */
  | { readonly scheme: 'bearer'; readonly token: string };

/** RFC 6750 §2.1 `b64token`, as keygate reads it. */
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/** What a header value may hold: visible characters, spaces and tabs (RFC 9110 §5.5). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The one value of header `name`, or undefined; several values or bad characters are a 400. */
function single(headers: RequestHeaders, name: string): string | undefined {
  let found: string | string[] | undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || key.toLowerCase() !== name) continue;
    if (found !== undefined) throw invalidRequest(`Send exactly one ${name} header.`);
    found = value;
  }
  if (found === undefined) return undefined;
  const values = typeof found === 'string' ? [found] : found;
  const [value] = values;
  if (values.length !== 1 || typeof value !== 'string') {
    throw invalidRequest(`Send exactly one ${name} header.`);
  }
  if (!FIELD_VALUE.test(value)) {
    throw invalidRequest(`The ${name} header holds characters a header cannot hold.`);
  }
  return value;
}

/**
 * Reads the credential of a request in keygate's order: `X-WSSE`, then `X-Auth-Token`,
 * then `Authorization: JWT`, then `Authorization: Bearer`. Null when there is none (another
 * `Authorization` scheme counts as none).
 *
 * @throws RequestRefusedError 400 `invalid_request` when the chosen header is sent twice,
 *   holds characters no header may hold, or is a `Bearer` without exactly one token.
 */
export function readCredential(headers: RequestHeaders): RequestCredential | null {
  const wsse = single(headers, 'x-wsse');
  if (wsse !== undefined) return { scheme: 'wsse', forward: { 'x-wsse': wsse } };
  const xAuthToken = single(headers, 'x-auth-token');
  if (xAuthToken !== undefined) {
    return { scheme: 'legacy_jwt', forward: { 'x-auth-token': xAuthToken } };
  }
  const authorization = single(headers, 'authorization');
  if (authorization === undefined) return null;
  if (/^JWT\b/i.test(authorization)) {
    return { scheme: 'legacy_jwt', forward: { authorization } };
  }
  if (!/^Bearer\b/i.test(authorization)) return null;
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) {
    throw invalidRequest('Send Authorization: Bearer followed by exactly one access token.');
  }
  return { scheme: 'bearer', token };
}
