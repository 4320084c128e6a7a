import { createScopeCheck, RequestRefusedError } from '@keygate/client';
import type { preHandlerHookHandler } from 'fastify';
import { sendRefusal } from './send_refusal.js';

/**
 * A `preHandler` hook, for routes authenticated by the `keygateAuth` plugin, that lets a
 * request on only when its principal holds every one of `scopes`: otherwise 403
 * `insufficient_scope` with the scopes in the `WWW-Authenticate` challenge, or 401 when the
 * request was not authenticated.
 *
 * @throws TypeError when no scope is given or one is not a scope token.
 */
export function requireScopes(...scopes: string[]): preHandlerHookHandler {
  const check = createScopeCheck(scopes);
  return async (request, reply) => {
    try {
      check(request.auth);
    } catch (error) {
      if (error instanceof RequestRefusedError) return sendRefusal(reply, error);
      throw error;
    }
  };
}
