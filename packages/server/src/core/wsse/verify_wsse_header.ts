import { parseWsseHeader } from '@keygate/wsse/node';
import {
  type UsernameStyle,
  verifyUsernameToken,
  type WsseSuccess,
  type WsseVerifierDeps,
} from './verify_username_token.js';
import { type WsseFailure, wsseFailure } from './wsse_failure.js';

/**
 * Verifies an `X-WSSE` header value (W-1..W-8). Penneo style (Username = API key) and
 * OroPlatform style (Username = login) both work unless `style` narrows it.
 */
export async function verifyWsseHeader(
  deps: WsseVerifierDeps,
  header: string,
  style: UsernameStyle = 'key_or_login',
): Promise<WsseSuccess | WsseFailure> {
  const parsed = parseWsseHeader(header, { maxLength: deps.policy.maxHeaderLength });
  if (!parsed.ok) return wsseFailure('malformed_header', parsed.description);
  return verifyUsernameToken(deps, parsed.token, style);
}
