import { InvalidInputError } from '../../errors.js';

/**
 * Checks a redirect URI at client registration (O-2): an absolute http(s) URI, any host
 * (localhost included) and port, a fixed query allowed, no fragment, no wildcard, no
 * credentials. Returns it unchanged: matching is by exact string.
 */
export function checkRedirectUriForRegistration(uri: string): string {
  if (!URL.canParse(uri))
    throw new InvalidInputError(`redirect URI "${uri}" is not an absolute URI`);
  const url = new URL(uri);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError(`redirect URI "${uri}" must use http or https`);
  }
  if (uri.includes('#'))
    throw new InvalidInputError(`redirect URI "${uri}" must not have a fragment`);
  if (uri.includes('*'))
    throw new InvalidInputError(`redirect URI "${uri}" must not contain a wildcard`);
  if (url.username !== '' || url.password !== '') {
    throw new InvalidInputError(`redirect URI "${uri}" must not contain credentials`);
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
