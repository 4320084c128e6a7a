/**
 * @keygate/client/node: everything in `@keygate/client` plus what needs Node.js built-ins:
 * the file token storage.
 *
 * @packageDocumentation
 */

export { fileTokenStorage } from './file_token_storage.js';
export * from './index.js';
