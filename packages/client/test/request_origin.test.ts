import { describe, expect, it } from 'vitest';
import { createKeygateClient, wsse } from '../src/index.js';

/**
 * The client attaches credentials only to its own origin: an absolute URL elsewhere (a link
 * taken from a response, say) is refused before any header is made or request sent.
 */
describe('createKeygateClient request origin', () => {
  function clientWithRecorder(apiOrigins?: string[]) {
    const sent: string[] = [];
    const client = createKeygateClient({
      baseUrl: 'https://api.example.test/base/',
      ...(apiOrigins ? { apiOrigins } : {}),
      auth: wsse({ key: 'k1', secret: 's1' }),
      fetch: async (input) => {
        sent.push(String(input));
        return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    return { client, sent };
  }

  it('sends paths and same-origin absolute URLs', async () => {
    const { client, sent } = clientWithRecorder();
    await client.request('GET', '/api/v1/me');
    await client.request('GET', 'https://api.example.test/api/v1/other');
    expect(sent).toEqual([
      'https://api.example.test/base/api/v1/me',
      'https://api.example.test/api/v1/other',
    ]);
  });

  it('refuses another host, scheme or port without sending anything', async () => {
    const { client, sent } = clientWithRecorder();
    for (const url of [
      'https://evil.example.test/api/v1/me',
      'http://api.example.test/api/v1/me',
      'https://api.example.test:8443/api/v1/me',
    ]) {
      await expect(client.request('GET', url)).rejects.toThrow(TypeError);
    }
    expect(sent).toEqual([]);
  });

  it('sends to the listed API origins, and to nothing that only looks like one', async () => {
    const { client, sent } = clientWithRecorder([
      'https://orders.example.test',
      'http://127.0.0.1:8080',
    ]);
    await client.request('GET', 'https://orders.example.test/v1/orders?page=2');
    await client.request('GET', 'https://ORDERS.example.test:443/v1/orders');
    await client.request('POST', 'http://127.0.0.1:8080/v1/orders');
    expect(sent).toEqual([
      'https://orders.example.test/v1/orders?page=2',
      // The same origin written another way: fetch parses it as the check did.
      'https://ORDERS.example.test:443/v1/orders',
      'http://127.0.0.1:8080/v1/orders',
    ]);
    for (const url of [
      'https://orders.example.test.evil.test/v1/orders',
      'https://evil.test/?https://orders.example.test',
      'https://orders.example.test@evil.test/v1/orders',
      'https://xorders.example.test/v1/orders',
      'http://orders.example.test/v1/orders',
      'https://orders.example.test:8443/v1/orders',
      'http://127.0.0.1:8081/v1/orders',
      'http://127.0.0.2:8080/v1/orders',
      'http://localhost:8080/v1/orders',
    ]) {
      await expect(client.request('GET', url), url).rejects.toThrow(TypeError);
    }
    expect(sent).toHaveLength(3);
  });

  it('refuses an apiOrigins entry that is not a bare http(s) origin', () => {
    for (const entry of [
      'orders.example.test',
      'https://orders.example.test/v1',
      'https://orders.example.test/',
      'https://orders.example.test?x=1',
      'https://user:pw@orders.example.test',
      'ftp://orders.example.test',
      'javascript:alert(1)',
      '*',
      '',
    ]) {
      expect(() => clientWithRecorder([entry]), entry).toThrow(/apiOrigins entry/);
    }
    expect(() =>
      createKeygateClient({
        baseUrl: 'https://api.example.test',
        auth: wsse({ key: 'k', secret: 's' }),
        apiOrigins: 'https://orders.example.test' as unknown as string[],
      }),
    ).toThrow(/apiOrigins must be an array/);
  });
});
