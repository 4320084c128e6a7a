/**
 * @keygate/wsse: WSSE UsernameToken parsing, formatting, PHP-compatible base64, `Created`
 * parsing and the PasswordDigest, with no dependencies and no Node built-ins, so it runs in
 * browsers. The server's synchronous node:crypto path is in `@keygate/wsse/node`.
 *
 * @packageDocumentation
 */

export { decodeBase64Lenient, encodeBase64 } from './base64.js';
export {
  type CreatedUsernameToken,
  type CreateUsernameTokenOptions,
  createUsernameToken,
  WSSE_AUTHORIZATION_HEADER,
} from './create_username_token.js';
export { digestInput } from './digest_input.js';
export { formatWsseHeader } from './format_wsse_header.js';
export { generateNonce } from './generate_nonce.js';
export { formatCreated, parseCreated } from './parse_created.js';
export {
  type ParseWsseHeaderOptions,
  parseWsseHeader,
  WSSE_FIELD_NAMES,
  type WsseHeaderFault,
  type WsseHeaderParseResult,
} from './parse_wsse_header.js';
export { passwordDigestAsync } from './password_digest_async.js';
export type { UsernameToken } from './username_token.js';
