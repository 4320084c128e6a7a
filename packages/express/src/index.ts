/**
 * @keygate/express: Express 5 middleware for APIs protected by keygate. `keygateAuth`
 * sets `req.auth` to the request's principal; `requireScopes` guards a route by scope.
 *
 * @packageDocumentation
 */

export type { RequestRefusedError, ResourcePrincipal } from '@keygate/client';
export { type KeygateAuthOptions, keygateAuth } from './keygate_auth.js';
export { requireScopes } from './require_scopes.js';
