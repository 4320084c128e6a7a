import type { FastifyInstance, FastifyReply } from 'fastify';
import { authorizationServerMetadata } from '../../core/oauth/authorization_server_metadata.js';

/** The public JWK set document. */
export interface JwksDocument {
  readonly keys: readonly object[];
}

/**
 * `GET /.well-known/oauth-authorization-server` (RFC 8414, O-12) and the JWKS at
 * `/oauth/token/jwks` and `/.well-known/jwks.json` (O-10, O-11).
 */
export function registerDiscoveryRoutes(
  app: FastifyInstance,
  issuer: string,
  jwks: () => Promise<JwksDocument>,
): void {
  const metadata = authorizationServerMetadata(issuer);
  app.get('/.well-known/oauth-authorization-server', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(metadata),
  );
  const sendJwks = async (_request: unknown, reply: FastifyReply) =>
    reply
      .header('cache-control', 'public, max-age=60')
      .type('application/jwk-set+json')
      .send(await jwks());
  app.get('/oauth/token/jwks', sendJwks);
  app.get('/.well-known/jwks.json', sendJwks);
}
