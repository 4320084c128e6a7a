import { formatWsseHeader } from './format_wsse_header.js';
import { generateNonce } from './generate_nonce.js';
import { formatCreated } from './parse_created.js';
import { passwordDigestAsync } from './password_digest_async.js';
import type { UsernameToken } from './username_token.js';

/**
 * The `Authorization` header value that accompanies `X-WSSE` (W-1). Optional for keygate,
 * but OroPlatform requires it, so clients send it.
 */
export const WSSE_AUTHORIZATION_HEADER = 'WSSE profile="UsernameToken"';

/** Options for `createUsernameToken` and `createUsernameTokenSync`. */
export interface CreateUsernameTokenOptions {
  /** The credential key (or, OroPlatform style, the user's login). */
  readonly username: string;
  /** The credential's secret; it only enters the digest, never the header. */
  readonly secret: string;
  /** Clock for `Created`; default `() => new Date()`. */
  readonly now?: () => Date;
  /** Random bytes in the nonce, 8–128; default 16. */
  readonly nonceBytes?: number;
}

/** A freshly signed token and its `X-WSSE` header value. */
export interface CreatedUsernameToken {
  readonly token: UsernameToken;
  /** `formatWsseHeader(token)`, ready to send as `X-WSSE`. */
  readonly header: string;
}

/**
 * Checks the options both token builders share. Internal.
 *
 * @throws TypeError when `username` or `secret` is not a non-empty string or `now` is not a
 *   function.
 */
export function assertCreateOptions(options: CreateUsernameTokenOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createUsernameToken: options must be an object');
  }
  if (typeof options.username !== 'string' || options.username.length === 0) {
    throw new TypeError('createUsernameToken: username must be a non-empty string');
  }
  // An empty secret is almost always an unset variable; signing with it would only fail later.
  if (typeof options.secret !== 'string' || options.secret.length === 0) {
    throw new TypeError('createUsernameToken: secret must be a non-empty string');
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new TypeError('createUsernameToken: now must be a function returning a Date');
  }
}

/**
 * Creates a fresh WSSE UsernameToken for one request (C-2), with WebCrypto, so it runs in
 * browsers: a new random nonce, `Created = formatCreated(now())`, the digest of W-2 and the
 * `X-WSSE` header value. Send {@link WSSE_AUTHORIZATION_HEADER} alongside for OroPlatform.
 *
 * @param options - Username, secret, optional clock and nonce size.
 * @returns The token fields and the header value.
 * @throws (as a rejection) TypeError on a missing username or secret, or a username the header cannot carry
 *   (`"` or control characters); RangeError on a bad `nonceBytes` or clock value.
 */
export async function createUsernameToken(
  options: CreateUsernameTokenOptions,
): Promise<CreatedUsernameToken> {
  assertCreateOptions(options);
  const nonce = generateNonce(options.nonceBytes ?? 16);
  const created = formatCreated(options.now ? options.now() : new Date());
  const passwordDigest = await passwordDigestAsync(nonce, created, options.secret);
  const token: UsernameToken = { username: options.username, passwordDigest, nonce, created };
  return { token, header: formatWsseHeader(token) };
}
