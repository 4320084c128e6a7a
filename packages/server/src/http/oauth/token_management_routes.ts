import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateClient } from '../../core/oauth/authenticate_client.js';
import type { GrantDeps } from '../../core/oauth/grant_deps.js';
import { introspectToken } from '../../core/oauth/introspect_token.js';
import { OAuthError } from '../../core/oauth/oauth_error.js';
import { revokeToken } from '../../core/oauth/revoke_token.js';
import { requireParam, type TokenParams } from '../../core/oauth/token_request.js';
import { readClientCredentials } from './read_client_credentials.js';
import { sendOAuthError } from './send_oauth_error.js';
import { TOKEN_ENDPOINT_SCHEMAS } from './token_endpoint_schemas.js';

/** `POST /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662). */
export function registerTokenManagementRoutes(
  app: FastifyInstance,
  deps: GrantDeps,
  realm: string,
): void {
  async function authenticated(request: FastifyRequest) {
    const params = request.body as TokenParams;
    const presented = readClientCredentials(request.headers.authorization, params);
    if (!presented)
      throw new OAuthError('invalid_client', 'client authentication is required', 401);
    const client = await authenticateClient(deps, presented);
    return { params, client };
  }

  const handle =
    (work: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        return await work(request, reply);
      } catch (error) {
        if (sendOAuthError(reply, error, realm)) return reply;
        throw error;
      }
    };

  const options = {
    schema: TOKEN_ENDPOINT_SCHEMAS.tokenManagement,
    config: { errorFormat: 'oauth' as const },
  };

  app.post(
    '/oauth/revoke',
    options,
    handle(async (request, reply) => {
      const { params, client } = await authenticated(request);
      await revokeToken(deps, client, requireParam(params, 'token'));
      request.log.info({ event: 'token.revoked', clientId: client.clientId }, 'revocation');
      return reply.header('cache-control', 'no-store').code(200).send({});
    }),
  );

  app.post(
    '/oauth/introspect',
    options,
    handle(async (request, reply) => {
      const { params, client } = await authenticated(request);
      if (client.secretHash === null) {
        throw new OAuthError('invalid_client', 'public clients cannot introspect tokens', 401);
      }
      const result = await introspectToken(
        deps,
        client,
        requireParam(params, 'token'),
        params.token_type_hint,
      );
      return reply.header('cache-control', 'no-store').send(result);
    }),
  );
}
