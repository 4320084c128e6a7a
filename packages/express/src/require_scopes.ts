import { createScopeCheck, RequestRefusedError } from '@keygate/client';
import type { RequestHandler } from 'express';
import { sendRefusal } from './send_refusal.js';

/**
 * Express middleware, placed after `keygateAuth`, that lets a request on only when its
 * principal holds every one of `scopes`: otherwise 403 `insufficient_scope` with the scopes
 * in the `WWW-Authenticate` challenge, or 401 when the request was not authenticated.
 *
 * @throws TypeError when no scope is given or one is not a scope token.
 */
export function requireScopes(...scopes: string[]): RequestHandler {
  const check = createScopeCheck(scopes);
  return (req, res, next) => {
    try {
      check(req.auth);
    } catch (error) {
      if (error instanceof RequestRefusedError) return sendRefusal(res, error);
      throw error;
    }
    next();
  };
}
