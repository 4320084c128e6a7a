/**
 * @keygate/wsse/node: everything in `@keygate/wsse` plus the synchronous node:crypto
 * functions the server uses on every request.
 *
 * @packageDocumentation
 */

export { createUsernameTokenSync } from './create_username_token_sync.js';
export * from './index.js';
export { passwordDigest } from './password_digest.js';
export { verifyPasswordDigest } from './verify_password_digest.js';
