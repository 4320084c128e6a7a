import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { RequestAuthenticatorOptions } from '../../client/src/index.js';
import {
  describeResourceServer,
  type ProtectedApp,
} from '../../client/test/support/resource_server_suite.js';
import { get } from '../../server/test/support/http_client.js';
import { keygateAuth, requireScopes } from '../src/index.js';

/** Serves `app` on a free loopback port. */
async function listen(app: FastifyInstance): Promise<ProtectedApp> {
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

/** The suite's sample API: the plugin on every route, `/write` behind its scope too. */
async function startApp(options: RequestAuthenticatorOptions): Promise<ProtectedApp> {
  const app = Fastify();
  await app.register(keygateAuth, { ...options, authenticateAll: true });
  app.get('/me', async (request) => request.auth);
  app.get(
    '/write',
    { preHandler: requireScopes('documents:write') },
    async (request) => request.auth,
  );
  return listen(app);
}

/** `@keygate/fastify` against a real keygate. */
describeResourceServer(startApp);

describe('the Fastify plugin itself', () => {
  it('without authenticateAll only routes naming keygateAuthenticate are authenticated', async () => {
    const app = Fastify();
    await app.register(keygateAuth, { issuer: 'http://127.0.0.1:9' });
    app.get('/open', async (request) => ({ auth: request.auth }));
    app.get('/closed', { onRequest: app.keygateAuthenticate }, async () => 'reached');
    app.get('/scoped', { preHandler: requireScopes('documents:read') }, async () => 'reached');
    const served = await listen(app);
    try {
      const open = await get(`${served.url}/open`);
      expect(open.status).toBe(200);
      expect(open.json).toEqual({ auth: null });
      for (const path of ['/closed', '/scoped']) {
        const refused = await get(`${served.url}${path}`);
        expect(refused.status, path).toBe(401);
        expect(refused.text).not.toContain('reached');
        expect(refused.headers['www-authenticate']).toBe('Bearer realm="keygate"');
        expect(refused.headers['cache-control']).toBe('no-store');
      }
    } finally {
      await served.close();
    }
  });

  it('authenticateAll covers the scope the plugin is registered in, not its siblings', async () => {
    const app = Fastify();
    await app.register(async (api) => {
      await api.register(keygateAuth, { issuer: 'http://127.0.0.1:9', authenticateAll: true });
      api.get('/api/me', async (request) => request.auth);
    });
    app.get('/healthz', async () => 'ok');
    const served = await listen(app);
    try {
      expect((await get(`${served.url}/api/me`)).status).toBe(401);
      expect((await get(`${served.url}/healthz`)).status).toBe(200);
    } finally {
      await served.close();
    }
  });

  it('bad options fail at setup, not on a request', async () => {
    await expect(Fastify().register(keygateAuth, { issuer: '' }).ready()).rejects.toThrow(
      TypeError,
    );
    expect(() => requireScopes()).toThrow(TypeError);
  });
});
