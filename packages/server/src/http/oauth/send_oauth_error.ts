import type { FastifyReply } from 'fastify';
import { OAuthError } from '../../core/oauth/oauth_error.js';

/**
 * Sends an OAuth error as RFC 6749 §5.2 JSON with `Cache-Control: no-store`. Every 401 (a
 * failed, malformed or missing client authentication, whether Basic or in the body) carries
 * the `Basic` challenge: RFC 6749 §5.2 requires it where the client tried Basic, and RFC 9110
 * §15.5.2 for any 401. Returns false for any other error, which the caller rethrows (store
 * outages become 503, the rest 500 without details).
 */
export function sendOAuthError(reply: FastifyReply, error: unknown, realm: string): boolean {
  if (!(error instanceof OAuthError)) return false;
  if (error.status === 401) reply.header('www-authenticate', `Basic realm="${realm}"`);
  void reply
    .code(error.status)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .type('application/json')
    .send({ error: error.error, error_description: error.errorDescription });
  return true;
}
