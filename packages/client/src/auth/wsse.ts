import { createUsernameToken, WSSE_AUTHORIZATION_HEADER } from '@keygate/wsse';
import type { AuthStrategy } from '../auth_strategy.js';
import { requireNonEmptyString } from '../require_non_empty_string.js';

/** Options for {@link wsse}. */
export interface WsseOptions {
  /** The API key (Penneo style) or the user's login (OroPlatform style). */
  readonly key: string;
  /** The API secret: it enters the digest only, never a header. */
  readonly secret: string;
  /** Random bytes per nonce, 8–128 (W-3); default 16. */
  readonly nonceBytes?: number;
}

/**
 * WSSE UsernameToken authentication (C-2): for every request a fresh nonce from
 * `crypto.getRandomValues`, `Created` from the client's clock as UTC ISO 8601
 * (`2026-11-22T09:15:30Z`), the SHA-1 digest of W-2 with WebCrypto, sent as `X-WSSE` with the
 * companion `Authorization: WSSE profile="UsernameToken"`.
 *
 * A 401 is not retried: a fresh header would be refused for the same reason (wrong secret,
 * client clock outside the window).
 */
export function wsse(options: WsseOptions): AuthStrategy {
  const key = requireNonEmptyString(options?.key, 'wsse: key');
  const secret = requireNonEmptyString(options.secret, 'wsse: secret');
  const { nonceBytes } = options;
  return {
    kind: 'wsse',
    async headers(context) {
      const { header } = await createUsernameToken({
        username: key,
        secret,
        now: () => new Date(context.now()),
        ...(nonceBytes !== undefined ? { nonceBytes } : {}),
      });
      return { 'x-wsse': header, authorization: WSSE_AUTHORIZATION_HEADER };
    },
  };
}
