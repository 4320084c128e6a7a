import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateClient } from '../../core/oauth/authenticate_client.js';
import type { GrantDeps } from '../../core/oauth/grant_deps.js';
import { introspectToken } from '../../core/oauth/introspect_token.js';
import { OAuthError } from '../../core/oauth/oauth_error.js';
import { revokeToken } from '../../core/oauth/revoke_token.js';
import { requireParam, type TokenParams } from '../../core/oauth/token_request.js';
import { readClientCredentials } from './read_client_credentials.js';
import { TOKEN_ENDPOINT_SCHEMAS } from './token_endpoint_schemas.js';

/** `POST /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662). */
export function registerTokenManagementRoutes(app: FastifyInstance, deps: GrantDeps): void {
  async function authenticated(request: FastifyRequest) {
    const params = request.body as TokenParams;
    const presented = readClientCredentials(request.headers.authorization, params);
    if (!presented) throw new OAuthError('invalid_client', 'client authentication is required');
    const client = await authenticateClient(deps, presented);
    return { params, client };
  }

  const options = { schema: TOKEN_ENDPOINT_SCHEMAS.tokenManagement };

  app.post('/oauth/revoke', options, async (request: FastifyRequest, reply: FastifyReply) => {
    const { params, client } = await authenticated(request);
    await revokeToken(deps, client, requireParam(params, 'token'));
    request.log.info({ event: 'token.revoked', clientId: client.clientId }, 'revocation');
    return reply.code(200).send({});
  });

  app.post('/oauth/introspect', options, async (request: FastifyRequest, reply: FastifyReply) => {
    const { params, client } = await authenticated(request);
    const result = await introspectToken(
      deps,
      client,
      requireParam(params, 'token'),
      params.token_type_hint,
    );
    return reply.send(result);
  });
}
