import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/port.js';

/** `/healthz` (the process is up) and `/readyz` (the store answers) for orchestrators. */
export function registerHealthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await store.ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
