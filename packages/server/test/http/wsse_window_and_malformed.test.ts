import { encodeBase64, formatWsseHeader } from '@keygate/wsse';
import { createUsernameTokenSync, passwordDigest } from '@keygate/wsse/node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';

/** Acceptance 4 of the WSSE issue: the Created window (W-5) and malformed input (W-1..W-4). */
const NOW = Date.parse('2026-11-22T09:15:30Z');
const LIFETIME = 3600;
const SKEW = 60;
const WSSE_CODES = [
  'malformed_header',
  'created_malformed',
  'created_in_future',
  'expired',
  'nonce_replayed',
  'invalid_credentials',
  'credential_disabled',
];

let server: TestServer;
let alice: SeededCredential;
beforeAll(async () => {
  server = await startTestServer({ clockStartMs: NOW });
  alice = await seedCredential(server);
});
afterAll(() => server.close());

function headerCreatedAt(createdMs: number): string {
  return createUsernameTokenSync({
    username: alice.key,
    secret: alice.secret,
    now: () => new Date(createdMs),
  }).header;
}

async function call(header: string) {
  return get(`${server.url}/api/v1/me`, { 'X-WSSE': header });
}

describe('Created window (W-5)', () => {
  it.each([
    ['now − lifetime + 1 s', NOW - (LIFETIME - 1) * 1000, 200, null],
    ['now − lifetime − 1 s', NOW - (LIFETIME + 1) * 1000, 401, 'expired'],
    ['now + skew − 1 s', NOW + (SKEW - 1) * 1000, 200, null],
    ['now + skew + 1 s', NOW + (SKEW + 1) * 1000, 401, 'created_in_future'],
    ['exactly now − lifetime', NOW - LIFETIME * 1000, 200, null],
    ['exactly now + skew', NOW + SKEW * 1000, 200, null],
  ])('%s → %i %s', async (_label, createdMs, status, code) => {
    const response = await call(headerCreatedAt(createdMs));
    expect(response.status).toBe(status);
    if (code) expect(response.json).toMatchObject({ error: code });
  });

  it('the failure tells the allowed window and carries Date and the WSSE challenge (W-10)', async () => {
    const response = await call(headerCreatedAt(NOW - 2 * LIFETIME * 1000));
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      'WSSE realm="keygate", profile="UsernameToken"',
    );
    expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
    expect(response.headers.date).toBeTruthy();
    expect((response.json as { error_description: string }).error_description).toMatch(/3600 s/);
  });

  it('lifetime −1 (OroPlatform setting) accepts an old Created', async () => {
    const noExpiry = await startTestServer({
      clockStartMs: NOW,
      config: { wsse: { lifetimeSeconds: -1 } },
    });
    try {
      const bob = await seedCredential(noExpiry, 'bob', 'acme');
      const header = createUsernameTokenSync({
        username: bob.key,
        secret: bob.secret,
        now: () => new Date('2014-03-22T15:24:49Z'),
      }).header;
      const response = await get(`${noExpiry.url}/api/v1/me`, { 'X-WSSE': header });
      expect(response.status).toBe(200);
    } finally {
      await noExpiry.close();
    }
  });
});

describe('malformed headers get their own code, never a 5xx', () => {
  function signed(created: string, nonce = encodeBase64(new Uint8Array(16).fill(7))): string {
    const digest = encodeBase64(
      passwordDigest(Buffer.from(nonce, 'base64'), created, alice.secret),
    );
    return formatWsseHeader({ username: alice.key, passwordDigest: digest, nonce, created });
  }

  it.each([
    ['a malformed date', () => signed('22/11/2026 09:15'), 'created_malformed'],
    ['an impossible date', () => signed('2026-02-30T09:15:30Z'), 'created_malformed'],
    [
      'a missing field',
      () => 'UsernameToken Username="k", Nonce="AAAAAAAAAAA=", Created="2026-11-22T09:15:30Z"',
      'malformed_header',
    ],
    [
      'a duplicate field',
      () => `${signed('2026-11-22T09:15:30Z')}, Nonce="AAAAAAAAAAA="`,
      'malformed_header',
    ],
    ['non-base64 junk as the whole header', () => '%%%%!!!***', 'malformed_header'],
    [
      'a nonce that decodes to fewer than 8 bytes',
      () => signed('2026-11-22T09:15:30Z', 'AAAA'),
      'malformed_header',
    ],
    [
      'a 16 KiB header',
      () => `UsernameToken Username="${'a'.repeat(16 * 1024)}"`,
      'malformed_header',
    ],
    ['an empty header', () => '', 'malformed_header'],
  ])('%s → %s', async (_label, header, code) => {
    const response = await call(header());
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: code });
  });

  it('no credentials at all → 401 with the WSSE, Bearer and JWT challenges (R-1, L-2)', async () => {
    const response = await get(`${server.url}/api/v1/me`);
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'authentication_required' });
    expect(response.headers['www-authenticate']).toEqual([
      'WSSE realm="keygate", profile="UsernameToken"',
      'Bearer realm="keygate"',
      'JWT realm="keygate"',
    ]);
  });

  it('10,000 random headers through HTTP: every one a 401 with a known code', async () => {
    const valid = signed('2026-11-22T09:15:30Z');
    // Every byte a header value may carry on the wire: visible ASCII, space, tab, obs-text.
    const headerChar = fc
      .oneof(
        fc.integer({ min: 0x20, max: 0x7e }),
        fc.integer({ min: 0x80, max: 0xff }),
        fc.constant(9),
      )
      .map((c) => String.fromCharCode(c));
    const junk = fc.string({ unit: headerChar, maxLength: 300 });
    const mutated = fc
      .tuple(fc.nat({ max: valid.length }), fc.nat({ max: 40 }), junk)
      .map(([at, cut, insert]) => valid.slice(0, at) + insert + valid.slice(at + cut));
    const fieldSoup = fc
      .array(
        fc.tuple(
          fc.constantFrom('Username', 'PasswordDigest', 'Nonce', 'Created', 'Other', 'nonce'),
          fc.string({ unit: headerChar, maxLength: 60 }),
        ),
        { maxLength: 6 },
      )
      .map((fields) => `UsernameToken ${fields.map(([k, v]) => `${k}="${v}"`).join(', ')}`);
    // Spend the valid header's nonce first, so no mutation that keeps its nonce can succeed.
    expect((await call(valid)).status).toBe(200);
    const samples = fc.sample(fc.oneof(junk, mutated, fieldSoup), { numRuns: 10_000, seed: 42 });
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    const batch = 100;
    for (let i = 0; i < samples.length; i += batch) {
      const responses = await Promise.all(
        samples.slice(i, i + batch).map((header) => call(header.trim() === '' ? 'x' : header)),
      );
      for (const r of responses) {
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        codes.add(
          (r.json as { error?: string } | null)?.error ?? `non-json:${r.text.slice(0, 40)}`,
        );
      }
    }
    expect(samples).toHaveLength(10_000);
    expect([...statuses.keys()]).toEqual([401]);
    for (const code of codes) expect(WSSE_CODES).toContain(code);
  });
});
