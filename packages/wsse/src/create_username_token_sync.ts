import { randomBytes } from 'node:crypto';
import {
  assertCreateOptions,
  type CreatedUsernameToken,
  type CreateUsernameTokenOptions,
} from './create_username_token.js';
import { formatWsseHeader } from './format_wsse_header.js';
import { assertNonceByteLength } from './nonce_length.js';
import { formatCreated } from './parse_created.js';
import { passwordDigest } from './password_digest.js';
import type { UsernameToken } from './username_token.js';

/**
 * Synchronous twin of `createUsernameToken` on node:crypto (for the CLI's
 * `wsse generate-header` and tests): same options, same result shape, same checks.
 *
 * @param options - Username, secret, optional clock and nonce size (8–128, default 16).
 * @returns The token fields and the `X-WSSE` header value.
 * @throws TypeError on a missing username or secret, or a username the header cannot carry;
 *   RangeError on a bad `nonceBytes` or clock value.
 */
export function createUsernameTokenSync(options: CreateUsernameTokenOptions): CreatedUsernameToken {
  assertCreateOptions(options);
  const byteLength = options.nonceBytes ?? 16;
  assertNonceByteLength(byteLength);
  const nonceBytes = randomBytes(byteLength);
  const nonce = nonceBytes.toString('base64');
  const created = formatCreated(options.now ? options.now() : new Date());
  const digest = passwordDigest(nonceBytes, created, options.secret).toString('base64');
  const token: UsernameToken = {
    username: options.username,
    passwordDigest: digest,
    nonce,
    created,
  };
  return { token, header: formatWsseHeader(token) };
}
