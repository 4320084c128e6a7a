import { describe, expect, it } from 'vitest';
import { createKeygateClient, wsse } from '../src/index.js';

/**
 * The client attaches credentials only to its own origin: an absolute URL elsewhere (a link
 * taken from a response, say) is refused before any header is made or request sent.
 */
describe('createKeygateClient request origin', () => {
  function clientWithRecorder() {
    const sent: string[] = [];
    const client = createKeygateClient({
      baseUrl: 'https://api.example.test/base/',
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
});
