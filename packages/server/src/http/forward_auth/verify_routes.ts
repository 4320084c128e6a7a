import type {
  FastifyInstance,
  FastifyRequest,
  onRequestHookHandler,
  RouteHandlerMethod,
} from 'fastify';
import { identityHeaders } from './identity_headers.js';
import { originalRequest } from './original_request.js';

/** What a check's log lines (its refusal too) say about the request a proxy asked about. */
const forwarded = (request: FastifyRequest) => ({ forwarded: originalRequest(request.headers) });

/** Methods a proxy may use for its check: some copy the client's own (HEAD comes with GET). */
const ANY_METHOD = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Forward auth (R-2), registered inside its own scope: `/auth/verify` for Caddy
 * `forward_auth` and Traefik ForwardAuth, `/auth/verify/envoy/<client path>` for Envoy
 * `ext_authz`, and `/auth/verify/nginx` for nginx `auth_request`, whose answers are shaped
 * for it (the `nginx` error scheme, and no body). The credential is checked by
 * `authenticate`, the same hook as `/api/*` (R-1), so every scheme, rule and 401 is the
 * same. A 200 carries the principal as identity headers, and as the `/api/v1/me` body only
 * when asked with `?principal=json` (not at nginx's path); it is never cached (the default `no-store`): a cached WSSE answer would
 * replay its nonce. A request body is accepted in any format and ignored.
 */
export function registerForwardAuthRoutes(
  app: FastifyInstance,
  authenticate: onRequestHookHandler,
): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) =>
      done(null, undefined),
    );
    scope.addHook('onRequest', authenticate);
    /**
     * `bodyOnRequest`: whether `?principal=json` adds the principal as a JSON body. By
     * default there is none: a proxy does not read it, and nginx and Caddy close the
     * connection when a body is left unread.
     */
    const answer =
      (bodyOnRequest: boolean): RouteHandlerMethod =>
      async (request, reply) => {
        const principal = request.principal;
        // The hook either set a principal or threw; this only narrows the type.
        if (!principal) throw new Error('forward auth reached its handler unauthenticated');
        request.log.debug(
          { event: 'forward_auth.allowed', scheme: principal.scheme, ...forwarded(request) },
          'forward auth allowed',
        );
        reply.headers(identityHeaders(principal));
        const query = request.query as Record<string, unknown>;
        return bodyOnRequest && query.principal === 'json' ? reply.send(principal) : reply.send();
      };
    const config = { logContext: forwarded };
    scope.route({ method: ANY_METHOD, url: '/auth/verify', config, handler: answer(true) });
    // Envoy's ext_authz appends the client's path to its `path_prefix`.
    scope.route({ method: ANY_METHOD, url: '/auth/verify/envoy/*', config, handler: answer(true) });
    scope.route({
      method: ANY_METHOD,
      url: '/auth/verify/nginx',
      config: { ...config, errorScheme: 'nginx' },
      handler: answer(false),
    });
  });
}
