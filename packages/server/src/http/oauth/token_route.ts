import type { FastifyInstance } from 'fastify';
import { exchangeToken } from '../../core/oauth/exchange_token.js';
import type { GrantDeps } from '../../core/oauth/grant_deps.js';
import { readClientCredentials } from './read_client_credentials.js';
import { readTokenParams } from './read_token_params.js';
import { sendOAuthError } from './send_oauth_error.js';

/** `POST /oauth/token` (O-6): JSON or form body, client auth in the body or HTTP Basic. */
export function registerTokenRoute(app: FastifyInstance, deps: GrantDeps, realm: string): void {
  app.post('/oauth/token', async (request, reply) => {
    try {
      const params = readTokenParams(request.body);
      const client = readClientCredentials(request.headers.authorization, params);
      const response = await exchangeToken(deps, client, params);
      request.log.info(
        { event: 'token.issued', grant: params.grant_type, clientId: client?.clientId },
        'token issued',
      );
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
    } catch (error) {
      if (sendOAuthError(reply, error, realm)) {
        request.log.info(
          { event: 'token.refused', code: (error as { error: string }).error },
          'refused',
        );
        return reply;
      }
      throw error;
    }
  });
}
