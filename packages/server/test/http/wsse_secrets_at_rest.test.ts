import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';

/** Acceptance 6 of the WSSE issue: API secrets are encrypted at rest, bound to their row (W-9). */
let server: TestServer;
let alice: SeededCredential;
let bob: SeededCredential;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  alice = await seedCredential(server, 'alice', 'acme');
  bob = await seedCredential(server, 'bob', 'acme');
});
afterAll(() => server.close());

function header(credential: SeededCredential): string {
  return createUsernameTokenSync({
    username: credential.key,
    secret: credential.secret,
    now: () => new Date(server.clock.now()),
  }).header;
}

it('no database file (main, WAL, SHM) contains a secret in clear, in any common encoding', () => {
  const file = server.sqliteFile ?? '';
  const dir = dirname(file);
  const bytes = readdirSync(dir).map((name) => readFileSync(join(dir, name)));
  expect(bytes.length).toBeGreaterThan(0);
  for (const secret of [alice.secret, bob.secret]) {
    const forms = [
      Buffer.from(secret),
      Buffer.from(secret, 'base64url'),
      Buffer.from(Buffer.from(secret).toString('hex')),
      Buffer.from(Buffer.from(secret, 'base64url').toString('base64')),
    ];
    for (const content of bytes) {
      for (const form of forms) expect(content.includes(form)).toBe(false);
    }
  }
  // The keys themselves are public and must be findable (proves the scan reads real data).
  expect(bytes.some((content) => content.includes(Buffer.from(alice.key)))).toBe(true);
});

it('a ciphertext moved onto another row makes that credential fail to verify', async () => {
  expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': header(bob) })).status).toBe(200);
  const db = new Database(server.sqliteFile ?? '');
  try {
    db.prepare(
      `UPDATE api_credentials
          SET secret_ciphertext = (SELECT secret_ciphertext FROM api_credentials WHERE key = ?)
        WHERE key = ?`,
    ).run(alice.key, bob.key);
  } finally {
    db.close();
  }
  // Neither bob's nor alice's secret opens bob's row now.
  for (const secret of [bob.secret, alice.secret]) {
    const response = await get(`${server.url}/api/v1/me`, {
      'X-WSSE': header({ ...bob, secret }),
    });
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'invalid_credentials' });
  }
  // Alice, whose row is untouched, still works.
  expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': header(alice) })).status).toBe(200);
});
