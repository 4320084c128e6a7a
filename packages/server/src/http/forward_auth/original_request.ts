import type { IncomingHttpHeaders } from 'node:http';

/** The request a proxy asks forward auth about, as far as its headers tell. */
export interface OriginalRequest {
  readonly method: string | null;
  /** The path only: a query string may carry a token or a code, so it is never kept. */
  readonly path: string | null;
  readonly host: string | null;
  readonly protocol: string | null;
}

const METHOD = /^[A-Z]{1,16}$/;
const MAX_FIELD_LENGTH = 2048;

function single(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  if (typeof value !== 'string' || value === '' || value.length > MAX_FIELD_LENGTH) return null;
  return value;
}

function pathOf(uri: string | null): string | null {
  if (uri === null) return null;
  const end = uri.search(/[?#]/);
  return end === -1 ? uri : uri.slice(0, end);
}

/**
 * Reads the original method and URI a proxy sends with a forward-auth check: nginx's
 * conventional `X-Original-Method`/`X-Original-URI`, else the `X-Forwarded-Method`/
 * `X-Forwarded-Uri`/`X-Forwarded-Host`/`X-Forwarded-Proto` of Caddy and Traefik. They only
 * describe the request for the log: the decision rests on the credential alone, never on
 * headers a client could have set. Missing or malformed fields are null.
 */
export function originalRequest(headers: IncomingHttpHeaders): OriginalRequest {
  const method = single(headers, 'x-original-method') ?? single(headers, 'x-forwarded-method');
  return {
    method: method !== null && METHOD.test(method) ? method : null,
    path: pathOf(single(headers, 'x-original-uri') ?? single(headers, 'x-forwarded-uri')),
    host: single(headers, 'x-forwarded-host'),
    protocol: single(headers, 'x-forwarded-proto'),
  };
}
