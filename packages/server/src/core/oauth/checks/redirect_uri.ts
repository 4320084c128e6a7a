import { InvalidInputError } from '../../admin/admin_errors.js';

/**
 * The longest redirect URI keygate registers: the authorize and token endpoints refuse a
 * longer `redirect_uri`, so a client registered with one could never finish a sign-in.
 */
export const REDIRECT_URI_MAX_LENGTH = 4096;

/** Parameters keygate appends to a redirect (O-3, RFC 9207); a registered query must not hold them. */
const RESPONSE_PARAMETERS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri'];

/** Decodes percent-encoding until nothing changes, so `%252e` counts as the `.` it may become. */
function fullyDecoded(text: string): string {
  let current = text;
  for (;;) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
}

/**
 * True when a path holds a `.` or `..` segment in any spelling a server on the way might
 * resolve: plain, percent-encoded (also twice), split by an encoded `/` or `\`, or with a
 * `;` parameter (`..;`, which Tomcat resolves).
 */
function hasDotSegment(path: string): boolean {
  return path
    .split('/')
    .flatMap((segment) => fullyDecoded(segment).split(/[/\\]/))
    .some((piece) => {
      const name = piece.split(';')[0];
      return name === '.' || name === '..';
    });
}

/**
 * Checks a redirect URI at client registration (O-2) and returns it unchanged: matching is by
 * exact string, and the redirect is that string with the response parameters appended, so
 * what is registered must already be the one spelling every URL parser agrees on. Refused:
 * URIs over {@link REDIRECT_URI_MAX_LENGTH} characters, whitespace, control and non-ASCII characters, fragments, wildcards, backslashes, schemes
 * other than http and https, credentials, broken percent-encoding, dot segments (also
 * encoded), a query holding a response parameter (`code`, `state`, `iss`, `error…`), and
 * anything a WHATWG URL parser would rewrite (`new URL(uri).href !== uri`): upper-case scheme
 * or host, a default port spelled out, or an origin without a path, which must be registered
 * with its `/` (`https://app.example/`, not `https://app.example`). The message names the
 * canonical spelling to register instead.
 */
export function checkRedirectUriForRegistration(uri: string): string {
  const quoted = JSON.stringify(uri);
  if (uri.length > REDIRECT_URI_MAX_LENGTH) {
    throw new InvalidInputError(
      `a redirect URI must be at most ${REDIRECT_URI_MAX_LENGTH} characters long (this one has ${uri.length})`,
    );
  }
  const refuse = (why: string) => new InvalidInputError(`redirect URI ${quoted} ${why}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u0020\u007f]/.test(uri)) {
    throw refuse('must not contain whitespace or control characters');
  }
  if (/[^\u0021-\u007e]/.test(uri)) {
    throw refuse('must be ASCII: percent-encode other characters');
  }
  if (uri.includes('#')) throw refuse('must not have a fragment');
  if (uri.includes('*')) throw refuse('must not contain a wildcard');
  if (uri.includes('\\')) throw refuse('must not contain a backslash');
  if (!URL.canParse(uri)) throw refuse('is not an absolute URI');
  const url = new URL(uri);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refuse('must use http or https');
  }
  if (url.username !== '' || url.password !== '') throw refuse('must not contain credentials');
  if (/%(?![0-9A-Fa-f]{2})/.test(uri)) {
    throw refuse('has a "%" that does not start a percent-encoded byte (%XX)');
  }
  const queryAt = uri.indexOf('?');
  const beforeQuery = queryAt === -1 ? uri : uri.slice(0, queryAt);
  const path = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*(\/.*)$/.exec(beforeQuery)?.[1] ?? '';
  if (hasDotSegment(path)) throw refuse('must not contain "." or ".." path segments');
  if (url.href !== uri) throw refuse(`is not in canonical form: register ${url.href} instead`);
  const reserved = RESPONSE_PARAMETERS.find((name) => url.searchParams.has(name));
  if (reserved !== undefined) {
    throw refuse(`must not have a "${reserved}" query parameter: keygate adds it to the redirect`);
  }
  return uri;
}

/**
 * O-2: a requested redirect URI matches only when it is byte-for-byte one of the registered
 * ones. No normalisation at all: trailing slashes, case, ports, dot segments and encodings
 * all count.
 */
export function redirectUriMatches(registered: readonly string[], requested: string): boolean {
  return registered.includes(requested);
}
