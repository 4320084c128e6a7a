/**
 * The middleware benchmark's server: one Express 5 app, logger-free, with the same route
 * twice: `GET /plain` answering a constant JSON object, and `GET /guarded` answering it
 * behind `keygateAuth` of `@keygate/express` (Bearer verified locally from keygate's JWKS).
 * Run as a child by `start_express_server.ts`; listens on 127.0.0.1, a free port, and prints
 * `express listening on <url>` on stderr.
 *
 * `BENCH_ISSUER` is keygate's URL; `BENCH_BODY` (JSON) the body both routes answer.
 *
 * @packageDocumentation
 */
import { keygateAuth } from '@keygate/express';
import express from 'express';

const issuer = process.env.BENCH_ISSUER;
if (!issuer) throw new Error('BENCH_ISSUER is required');
const body: unknown = JSON.parse(process.env.BENCH_BODY ?? '{}');

const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.get('/plain', (_req, res) => {
  res.json(body);
});
app.get('/guarded', keygateAuth({ issuer }), (_req, res) => {
  res.json(body);
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('express has no TCP address');
  process.stderr.write(`express listening on http://127.0.0.1:${address.port}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
