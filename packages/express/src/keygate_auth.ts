import {
  createRequestAuthenticator,
  type RequestAuthenticatorOptions,
  RequestRefusedError,
  type ResourcePrincipal,
} from '@keygate/client';
import type { RequestHandler } from 'express';
import { sendRefusal } from './send_refusal.js';

declare global {
  namespace Express {
    interface Request {
      /** Who the request acts as; set by {@link keygateAuth} before any later handler runs. */
      auth?: ResourcePrincipal;
    }
  }
}

/** Options for {@link keygateAuth}: those of `createRequestAuthenticator`. */
export type KeygateAuthOptions = RequestAuthenticatorOptions;

/**
 * Express 5 middleware that authenticates each request against keygate and sets
 * `req.auth` to its principal: WSSE and legacy JWTs are checked by keygate, Bearer access
 * tokens locally (see `createRequestAuthenticator` of `@keygate/client`). A refused request
 * is answered here, as JSON `{"error", "error_description"}` with `WWW-Authenticate` (and
 * `Retry-After` on a 503), and goes no further: `next` is called only on success.
 *
 * @throws TypeError when the options are unusable (no `issuer`).
 */
export function keygateAuth(options: KeygateAuthOptions): RequestHandler {
  const authenticate = createRequestAuthenticator(options);
  return async (req, res, next) => {
    let principal: ResourcePrincipal;
    try {
      principal = await authenticate(req.headers);
    } catch (error) {
      // The authenticator refuses with RequestRefusedError only; anything else is a bug.
      if (error instanceof RequestRefusedError) return sendRefusal(res, error);
      throw error;
    }
    req.auth = principal;
    next();
  };
}
