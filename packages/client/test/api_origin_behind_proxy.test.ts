import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EchoedRequest,
  type EchoUpstream,
  startEchoUpstream,
} from '../../server/test/support/echo_upstream.js';
import {
  NGINX_BIN,
  type ReverseProxy,
  requireProxyBinary,
  startNginx,
} from '../../server/test/support/reverse_proxy_process.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../../server/test/support/start_test_server.js';
import { createKeygateClient, wsse } from '../src/index.js';

/**
 * The SDK calling a protected API on another origin than keygate (issue 13): the API sits
 * behind nginx with keygate's forward auth, and the client lists its origin in `apiOrigins`.
 */
describe.runIf(requireProxyBinary('nginx', NGINX_BIN))('an API on another origin', () => {
  let server: TestServer;
  let upstream: EchoUpstream;
  let proxy: ReverseProxy;
  let alice: SeededCredential;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    server.clock.set(Date.now());
    upstream = await startEchoUpstream();
    proxy = await startNginx({ keygate: new URL(server.url).host, upstream: upstream.address });
    alice = await seedCredential(server);
  });
  afterAll(async () => {
    await proxy?.stop();
    await upstream?.close();
    await server?.close();
  });

  it('is called with fresh WSSE credentials once its origin is listed, and refused before', async () => {
    const auth = wsse({ key: alice.key, secret: alice.secret });
    const unlisted = createKeygateClient({ baseUrl: server.url, auth });
    await expect(unlisted.json('GET', `${proxy.url}/orders`)).rejects.toThrow(TypeError);
    expect(upstream.received()).toBe(0);

    const client = createKeygateClient({ baseUrl: server.url, auth, apiOrigins: [proxy.url] });
    for (let i = 0; i < 3; i += 1) {
      const echoed = await client.json<EchoedRequest>('GET', `${proxy.url}/orders`);
      expect(echoed.headers).toMatchObject({
        'x-keygate-user-login': 'alice',
        'x-keygate-scheme': 'wsse',
      });
    }
    expect(upstream.received()).toBe(3);
    expect((await client.json<{ scheme: string }>('GET', '/api/v1/me')).scheme).toBe('wsse');
  });
});
