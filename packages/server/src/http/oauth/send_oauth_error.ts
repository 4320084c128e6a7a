import type { FastifyReply } from 'fastify';
import { InvalidClientError } from '../../core/oauth/authenticate_client.js';
import { OAuthError } from '../../core/oauth/oauth_error.js';

/**
 * Sends an OAuth error as RFC 6749 §5.2 JSON with `Cache-Control: no-store`; a failed HTTP
 * Basic client authentication also gets its challenge. Returns false for any other error,
 * which the caller rethrows (store outages become 503, the rest 500 without details).
 */
export function sendOAuthError(reply: FastifyReply, error: unknown, realm: string): boolean {
  if (!(error instanceof OAuthError)) return false;
  if (error instanceof InvalidClientError && error.method === 'basic') {
    reply.header('www-authenticate', `Basic realm="${realm}"`);
  }
  void reply
    .code(error.status)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .type('application/json')
    .send({ error: error.error, error_description: error.errorDescription });
  return true;
}
