/**
 * The baseline: a bare Fastify 5 app with `GET /api/v1/me` answering a constant JSON object,
 * no authentication, logger off. Run as a child by `start_bare_server.ts`; listens on
 * 127.0.0.1, a free port, and prints `bare listening on <url>` on stderr.
 *
 * The body comes from `BENCH_BARE_BODY` (JSON): the benchmark passes the principal keygate
 * actually answered, so both servers serialise and send the same object, byte for byte.
 *
 * @packageDocumentation
 */
import Fastify from 'fastify';

/** Used when `BENCH_BARE_BODY` is unset: the shape and size of a keygate principal. */
const SAMPLE_PRINCIPAL = {
  user: { id: '0b8f8f4e-3f5d-4a8e-9d3c-1f2e3d4c5b6a', login: 'admin' },
  organization: { id: '6c5b4a39-2817-4f6e-8d9c-0b1a2c3d4e5f', name: 'default' },
  credential: {
    id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    key: '00112233445566778899aabbccddeeff',
  },
  scopes: [],
  scheme: 'wsse',
};

const body: unknown = process.env.BENCH_BARE_BODY
  ? JSON.parse(process.env.BENCH_BARE_BODY)
  : SAMPLE_PRINCIPAL;

const app = Fastify({ logger: false });
app.get('/api/v1/me', async () => body);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (!address || typeof address === 'string') throw new Error('bare server has no TCP address');
process.stderr.write(`bare listening on http://127.0.0.1:${address.port}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().finally(() => process.exit(0));
  });
}
