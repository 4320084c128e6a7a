/**
 * @keygate/fastify: a Fastify 5 plugin for APIs protected by keygate. `keygateAuth`
 * sets `request.auth` to the request's principal; `requireScopes` guards a route by scope.
 *
 * @packageDocumentation
 */

export type { RequestRefusedError, ResourcePrincipal } from '@keygate/client';
export { type KeygateAuthPluginOptions, keygateAuth } from './keygate_auth_plugin.js';
export { requireScopes } from './require_scopes.js';
