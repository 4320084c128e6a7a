import type { FastifyInstance } from 'fastify';
import { type Store, type StoreDependency, StoreNotReadyError } from '../store/port.js';

/** How long one readiness result is served before the store is checked again. */
const READINESS_CACHE_MS = 1000;

/** Seconds an orchestrator should wait before asking again, as on every other 503. */
const RETRY_AFTER_SECONDS = '5';

/** One readiness check's outcome: ready, or the dependencies that failed. */
type Readiness = { readonly ready: true } | { readonly ready: false; failed: StoreDependency[] };

/**
 * `/healthz` (the process is up) and `/readyz` (the store answers and accepts writes, see
 * `Store.ping`) for orchestrators. A failing `/readyz` is 503 with `Retry-After` and names the
 * failed dependencies (`database`, `redis`), nothing more. One check serves every probe for
 * about a second, so probes do not add load on the store; concurrent probes share it.
 */
export function registerHealthRoutes(app: FastifyInstance, store: Store): void {
  let cached: { readonly at: number; readonly result: Promise<Readiness> } | null = null;
  const check = (): Promise<Readiness> => {
    const now = Date.now();
    if (cached === null || now - cached.at >= READINESS_CACHE_MS) {
      cached = {
        at: now,
        result: store.ping().then(
          (): Readiness => ({ ready: true }),
          (error: unknown): Readiness => ({
            ready: false,
            failed: error instanceof StoreNotReadyError ? [...error.failed] : ['database'],
          }),
        ),
      };
    }
    return cached.result;
  };
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const readiness = await check();
    if (readiness.ready) return { status: 'ready' };
    reply.header('retry-after', RETRY_AFTER_SECONDS);
    return reply.code(503).send({ status: 'unavailable', failed: readiness.failed });
  });
}
