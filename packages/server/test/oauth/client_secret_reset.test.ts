import { afterEach, beforeEach, expect, it } from 'vitest';
import { resetOAuthClientSecret } from '../../src/core/admin/oauth_clients.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  refresh,
} from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';

/**
 * O-1: resetting a client's secret leaves the refresh tokens already issued to it alone, but
 * the client must present the new secret to redeem them (O-6, O-9).
 */
let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ store: 'sqlite' });
});
afterEach(() => server.close());

it('a refresh token issued before a secret reset is redeemed with the new secret only', async () => {
  const user = await createPasswordUser(server);
  const client = await createClient(server);
  const { refreshToken } = await codeFlowTokens(server, client, user);

  const { secret } = await resetOAuthClientSecret(server, client.clientId);
  expect(secret).not.toBe(client.clientSecret);
  const withOldSecret = await refresh(server, client, refreshToken);
  expect(withOldSecret.status).toBe(401);
  expect(withOldSecret.json).toMatchObject({ error: 'invalid_client' });
  const withNewSecret = await refresh(server, { ...client, clientSecret: secret }, refreshToken);
  expect(withNewSecret.status, withNewSecret.text).toBe(200);
  expect(withNewSecret.json).toMatchObject({ token_type: 'bearer', scope: 'documents:read' });
});
