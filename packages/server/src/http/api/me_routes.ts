import type { FastifyInstance } from 'fastify';

/** `GET /api/v1/me`: the authenticated principal, registered inside `/api`. */
export function registerMeRoutes(api: FastifyInstance): void {
  api.get('/v1/me', async (request) => request.principal);
}
