import { parseCreated, parseWsseHeader } from '@keygate/wsse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../../server/test/support/http_client.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../../server/test/support/start_test_server.js';
import { loadVectors } from '../../wsse/test/vectors.js';
import { createKeygateClient, wsse, wsseDigest } from '../src/index.js';

/**
 * Issue 4 acceptance 2: the SDK's WSSE digests match every known-answer vector of
 * packages/wsse/test/vectors/wsse.json (W-2), its Created is UTC ISO 8601 (W-4), and the
 * headers it makes are accepted by the server, a fresh nonce each time (C-2, W-6).
 */
const vectors = loadVectors();

describe('SDK digests against the known-answer vectors (W-2)', () => {
  it.each(vectors.valid.map((v) => [v.name, v] as const))('valid: %s', async (_name, vector) => {
    expect(await wsseDigest(vector.nonce, vector.created, vector.secret)).toBe(
      vector.password_digest,
    );
  });

  it.each(vectors.invalid.map((v) => [v.name, v] as const))(
    'invalid: %s does not reproduce the sent digest',
    async (_name, vector) => {
      expect(await wsseDigest(vector.nonce, vector.created, vector.secret)).not.toBe(
        vector.password_digest,
      );
    },
  );
});

let server: TestServer;
let credential: SeededCredential;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  credential = await seedCredential(server, 'alice', 'acme');
});
afterAll(() => server.close());

describe('SDK headers on the wire', () => {
  it('sends X-WSSE and Authorization: WSSE profile="UsernameToken", Created in UTC ISO 8601', async () => {
    const sent: Headers[] = [];
    const client = createKeygateClient({
      baseUrl: server.url,
      auth: wsse({ key: credential.key, secret: credential.secret }),
      now: server.clock.now,
      fetch: async (url, init) => {
        sent.push(new Headers(init?.headers));
        return fetch(url, init);
      },
    });
    for (let i = 0; i < 3; i++) await client.request('GET', '/api/v1/me');

    const nonces = new Set<string>();
    for (const headers of sent) {
      expect(headers.get('authorization')).toBe('WSSE profile="UsernameToken"');
      const parsed = parseWsseHeader(headers.get('x-wsse') ?? '');
      if (!parsed.ok) throw new Error(parsed.description);
      const { token } = parsed;
      expect(token.username).toBe(credential.key);
      expect(token.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(parseCreated(token.created)).toBe(Math.floor(server.clock.now() / 1000) * 1000);
      expect(await wsseDigest(token.nonce, token.created, credential.secret)).toBe(
        token.passwordDigest,
      );
      nonces.add(token.nonce);
    }
    expect(nonces.size).toBe(3);
  });

  it('a header the SDK made is accepted once and refused when replayed (W-6)', async () => {
    let captured: Headers | null = null;
    const client = createKeygateClient({
      baseUrl: server.url,
      auth: wsse({ key: credential.key, secret: credential.secret }),
      now: server.clock.now,
      fetch: async (url, init) => {
        captured = new Headers(init?.headers);
        return fetch(url, init);
      },
    });
    await client.request('GET', '/api/v1/me');
    const replay = await get(`${server.url}/api/v1/me`, {
      'x-wsse': (captured as Headers | null)?.get('x-wsse') ?? '',
    });
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ error: 'nonce_replayed' });
  });

  it('uses the injected clock: Created an hour and a minute behind the server is refused', async () => {
    const client = createKeygateClient({
      baseUrl: server.url,
      auth: wsse({ key: credential.key, secret: credential.secret }),
      now: () => server.clock.now() - 3_660_000,
    });
    await expect(client.request('GET', '/api/v1/me')).rejects.toMatchObject({
      code: 'http_error',
      status: 401,
      error: 'expired',
    });
  });
});
