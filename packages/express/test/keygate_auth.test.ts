import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import type { RequestAuthenticatorOptions } from '../../client/src/index.js';
import {
  describeResourceServer,
  type ProtectedApp,
} from '../../client/test/support/resource_server_suite.js';
import { get } from '../../server/test/support/http_client.js';
import { keygateAuth, requireScopes } from '../src/index.js';

/** Serves `app` on a free loopback port. */
async function listen(app: express.Express): Promise<ProtectedApp> {
  const server = await new Promise<ReturnType<express.Express['listen']>>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The suite's sample API: every route behind `keygateAuth`, `/write` behind its scope too. */
function startApp(options: RequestAuthenticatorOptions): Promise<ProtectedApp> {
  const app = express();
  app.use(keygateAuth(options));
  app.get('/me', (req, res) => {
    res.json(req.auth);
  });
  app.get('/write', requireScopes('documents:write'), (req, res) => {
    res.json(req.auth);
  });
  return listen(app);
}

/** `@keygate/express` against a real keygate. */
describeResourceServer(startApp);

describe('the Express middleware itself', () => {
  it('requireScopes on a route keygateAuth did not run on: 401, the handler not reached', async () => {
    let reached = false;
    const app = express();
    app.get('/write', requireScopes('documents:write'), (_req, res) => {
      reached = true;
      res.end();
    });
    const served = await listen(app);
    try {
      const response = await get(`${served.url}/write`);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="keygate"');
      expect(reached).toBe(false);
    } finally {
      await served.close();
    }
  });

  it('a refused request reaches no later handler and no error handler', async () => {
    const reached: string[] = [];
    const app = express();
    app.use(keygateAuth({ issuer: 'http://127.0.0.1:9' }));
    app.use((_req, _res, next) => {
      reached.push('next');
      next();
    });
    app.use(
      (
        _error: unknown,
        _req: express.Request,
        _res: express.Response,
        next: express.NextFunction,
      ) => {
        reached.push('error handler');
        next();
      },
    );
    const served = await listen(app);
    try {
      const response = await get(`${served.url}/anything`);
      expect(response.status).toBe(401);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(reached).toEqual([]);
    } finally {
      await served.close();
    }
  });

  it('bad options fail at setup, not on a request', () => {
    expect(() => keygateAuth({ issuer: '' })).toThrow(TypeError);
    expect(() => requireScopes()).toThrow(TypeError);
    expect(() => requireScopes('two words')).toThrow(TypeError);
  });
});
