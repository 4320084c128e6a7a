import {
  createRequestAuthenticator,
  type RequestAuthenticatorOptions,
  RequestRefusedError,
  type ResourcePrincipal,
} from '@keygate/client';
import type { FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { sendRefusal } from './send_refusal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as; null until the keygate hook has authenticated it. */
    auth: ResourcePrincipal | null;
  }
  interface FastifyInstance {
    /**
     * The keygate authentication hook, for routes to name themselves:
     * `{ onRequest: app.keygateAuthenticate }` (or as a `preHandler`).
     */
    keygateAuthenticate: onRequestHookHandler;
  }
}

/** Options of {@link keygateAuth}: those of `createRequestAuthenticator`, and its scope. */
export interface KeygateAuthPluginOptions extends RequestAuthenticatorOptions {
  /**
   * Authenticate every route of the scope the plugin is registered in (an `onRequest`
   * hook); default false: only routes that name `keygateAuthenticate` are authenticated.
   */
  readonly authenticateAll?: boolean;
}

const plugin: FastifyPluginAsync<KeygateAuthPluginOptions> = async (app, options) => {
  const { authenticateAll, ...authenticatorOptions } = options;
  const authenticate = createRequestAuthenticator(authenticatorOptions);
  const hook: onRequestHookHandler = async (request, reply) => {
    try {
      request.auth = await authenticate(request.headers);
    } catch (error) {
      // The authenticator refuses with RequestRefusedError only; anything else is a bug.
      if (error instanceof RequestRefusedError) return sendRefusal(reply, error);
      throw error;
    }
  };
  app.decorateRequest('auth', null);
  app.decorate('keygateAuthenticate', hook);
  if (authenticateAll === true) app.addHook('onRequest', hook);
};

/**
 * Fastify 5 plugin for APIs protected by keygate. It decorates `request.auth` (the
 * principal, null until authenticated) and the instance with `keygateAuthenticate`, the hook
 * that authenticates a request: WSSE and legacy JWTs are checked by keygate, Bearer access
 * tokens locally (see `createRequestAuthenticator` of `@keygate/client`). With
 * `authenticateAll` the hook runs on every route of the scope the plugin is registered in. A
 * refused request is answered by the hook, as JSON `{"error", "error_description"}` with
 * `WWW-Authenticate` (and `Retry-After` on a 503), and never reaches its handler.
 *
 * The plugin is not encapsulated (fastify-plugin): its decorators and hook belong to the
 * scope it is registered in.
 */
export const keygateAuth = fastifyPlugin(plugin, {
  fastify: '5.x',
  name: '@keygate/fastify',
});
