import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../core/principal.js';
import type { WsseVerifierDeps } from '../core/wsse/verify_username_token.js';
import { verifyWsseHeader } from '../core/wsse/verify_wsse_header.js';
import { sendJsonError } from './send_json_error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on protected routes (R-1). */
    principal: Principal | null;
  }
}

/**
 * Builds the `onRequest` hook that guards `/api/*` (R-1): it finds the scheme the client
 * used, verifies it, and either sets `request.principal` or answers 401 with that scheme's
 * challenge. Store failures are thrown on to the error handler, which answers 503.
 */
export function createAuthenticationHook(verifier: WsseVerifierDeps, realm: string) {
  const challenge = `WSSE realm="${realm}", profile="UsernameToken"`;
  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers['x-wsse'];
    if (header === undefined) {
      reply.header('www-authenticate', challenge);
      return sendJsonError(
        reply,
        401,
        'authentication_required',
        'Send an X-WSSE UsernameToken header (a fresh nonce and digest for every request).',
      );
    }
    if (Array.isArray(header)) {
      reply.header('www-authenticate', challenge);
      return sendJsonError(reply, 401, 'malformed_header', 'Send exactly one X-WSSE header.');
    }
    const result = await verifyWsseHeader(verifier, header);
    if (!result.ok) {
      request.log.info({ event: 'auth.failure', scheme: 'wsse', code: result.code }, 'refused');
      reply.header('www-authenticate', challenge);
      return sendJsonError(reply, 401, result.code, result.description);
    }
    request.principal = result.principal;
  };
}
