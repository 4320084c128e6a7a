import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  resetApiCredential,
  setApiCredentialStatus,
} from '../../src/core/admin/api_credentials.js';
import { setOrganizationDisabled } from '../../src/core/admin/organizations.js';
import { setUserDisabled } from '../../src/core/admin/users.js';
import { get } from '../support/http_client.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';

/** Acceptance 7 of the WSSE issue: disabled key, user or organization; key reset (W-7, W-8). */
let server: TestServer;
let alice: SeededCredential;
beforeEach(async () => {
  server = await startTestServer({ store: 'sqlite' });
  alice = await seedCredential(server);
});
afterEach(() => server.close());

async function callAs(username: string, secret: string) {
  const { header } = createUsernameTokenSync({
    username,
    secret,
    now: () => new Date(server.clock.now()),
  });
  return get(`${server.url}/api/v1/me`, { 'X-WSSE': header });
}

it.each([
  ['key disabled', () => setApiCredentialStatus(server, alice.key, 'disabled')],
  ['key revoked', () => setApiCredentialStatus(server, alice.key, 'revoked')],
  ['user disabled', () => setUserDisabled(server, 'alice', true)],
  ['organization disabled', () => setOrganizationDisabled(server, 'acme', true)],
])('%s → 401 credential_disabled, in both Username styles', async (_label, disable) => {
  expect((await callAs(alice.key, alice.secret)).status).toBe(200);
  await disable();
  for (const username of [alice.key, alice.login]) {
    const response = await callAs(username, alice.secret);
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject(
      // A revoked key is no longer a candidate in OroPlatform style (login lookup).
      username === alice.login && _label === 'key revoked'
        ? { error: 'invalid_credentials' }
        : { error: 'credential_disabled' },
    );
  }
});

it('re-enabling brings the key back', async () => {
  await setApiCredentialStatus(server, alice.key, 'disabled');
  expect((await callAs(alice.key, alice.secret)).status).toBe(401);
  await setApiCredentialStatus(server, alice.key, 'active');
  expect((await callAs(alice.key, alice.secret)).status).toBe(200);
});

it('reset: the old secret fails, the new secret works, the key stays', async () => {
  const reset = await resetApiCredential(server, alice.key);
  expect(reset.credential.key).toBe(alice.key);
  expect(reset.secret).not.toBe(alice.secret);
  const old = await callAs(alice.key, alice.secret);
  expect(old.status).toBe(401);
  expect(old.json).toMatchObject({ error: 'invalid_credentials' });
  expect((await callAs(alice.key, reset.secret)).status).toBe(200);
});
