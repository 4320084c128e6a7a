import type { FastifyInstance } from 'fastify';

/**
 * Makes every answer uncacheable unless its route says otherwise: `Cache-Control: no-store`
 * and, for HTTP/1.0 caches, `Pragma: no-cache` (RFC 6749 §5.1 asks for both on token
 * answers). Nearly everything keygate sends carries a credential or depends on one (tokens,
 * the principal, errors, the sign-in pages), and a cached WSSE answer would replay a nonce;
 * the few public documents (metadata, JWKS, the stylesheet) set their own `Cache-Control`.
 */
export function installNoStoreByDefault(app: FastifyInstance): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    }
    done(null, payload);
  });
}
