import type { FastifyInstance } from 'fastify';
import { exchangeToken } from '../../core/oauth/exchange_token.js';
import type { GrantDeps } from '../../core/oauth/grant_deps.js';
import type { TokenParams } from '../../core/oauth/token_request.js';
import { readClientCredentials } from './read_client_credentials.js';
import { TOKEN_ENDPOINT_SCHEMAS } from './token_endpoint_schemas.js';

/** `POST /oauth/token` (O-6): JSON or form body, client auth in the body or HTTP Basic. */
export function registerTokenRoutes(app: FastifyInstance, deps: GrantDeps): void {
  app.post<{ Body: TokenParams }>(
    '/oauth/token',
    { schema: TOKEN_ENDPOINT_SCHEMAS.token },
    async (request, reply) => {
      const params = request.body;
      const client = readClientCredentials(request.headers.authorization, params);
      const response = await exchangeToken(deps, client, params);
      request.log.info(
        { event: 'token.issued', grant: params.grant_type, clientId: client?.clientId },
        'token issued',
      );
      return reply.send(response);
    },
  );
}
