import { encodeBase64, formatWsseHeader } from '@keygate/wsse';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';

/** Acceptance 5 of the WSSE issue: failed digests keep the nonce; no user enumeration. */
let server: TestServer;
let alice: SeededCredential;
beforeAll(async () => {
  server = await startTestServer({
    store: 'sqlite',
    clockStartMs: Date.parse('2026-11-22T09:15:30Z'),
  });
  alice = await seedCredential(server);
});
afterAll(() => server.close());

const me = () => `${server.url}/api/v1/me`;

it('a wrong digest does not consume the nonce: the same nonce with the right digest succeeds', async () => {
  const good = createUsernameTokenSync({
    username: alice.key,
    secret: alice.secret,
    now: () => new Date(server.clock.now()),
  });
  const wrong = formatWsseHeader({
    ...good.token,
    passwordDigest: encodeBase64(new Uint8Array(20).fill(1)),
  });
  const refused = await get(me(), { 'X-WSSE': wrong });
  expect(refused.status).toBe(401);
  expect(refused.json).toMatchObject({ error: 'invalid_credentials' });
  expect((await get(me(), { 'X-WSSE': good.header })).status).toBe(200);
});

describe('unknown user and wrong digest are indistinguishable (W-7, W-10)', () => {
  function comparable(response: Awaited<ReturnType<typeof get>>) {
    const { date: _date, 'keep-alive': _keepAlive, ...headers } = response.headers;
    return { status: response.status, headers, body: response.text };
  }

  it('byte-identical status, headers (but Date) and body', async () => {
    const created = () => new Date(server.clock.now());
    const wrongSecret = createUsernameTokenSync({
      username: alice.key,
      secret: 'not-the-secret',
      now: created,
    }).header;
    const unknownKey = createUsernameTokenSync({
      username: 'ffffffffffffffffffffffffffffffff',
      secret: 'not-the-secret',
      now: created,
    }).header;
    const unknownLogin = createUsernameTokenSync({
      username: 'nobody',
      secret: 'not-the-secret',
      now: created,
    }).header;
    const a = comparable(await get(me(), { 'X-WSSE': wrongSecret }));
    const b = comparable(await get(me(), { 'X-WSSE': unknownKey }));
    const c = comparable(await get(me(), { 'X-WSSE': unknownLogin }));
    expect(a.status).toBe(401);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('the description never echoes the digest or the secret', async () => {
    const token = createUsernameTokenSync({
      username: alice.key,
      secret: 'wrong',
      now: () => new Date(server.clock.now()),
    });
    const response = await get(me(), { 'X-WSSE': token.header });
    expect(response.text).not.toContain(token.token.passwordDigest);
    expect(response.text).not.toContain(alice.secret);
  });
});
