import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeygate, type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';
import { postToken } from '../support/token_client.js';

/**
 * A `keygate serve` process caches registered clients at the token endpoint while the store's
 * `dataVersion` is unchanged. A client's secret reset, its grants or scopes changed or the
 * client deleted by the `keygate` CLI in another process must still take effect on the next
 * request (O-1, O-6).
 */
let dataDir: string;
let server: ServerProcess;
const env = () => ({ KEYGATE_DATA_DIR: dataDir });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-client-cache-'));
  server = await startKeygateProcess([], { env: env() });
});
afterAll(async () => {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function cli(args: readonly string[]): Promise<Record<string, unknown>> {
  const result = await runKeygate([...args, '--json'], { env: env() });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** client_credentials with client_secret_post, alternating form and JSON bodies. */
let requests = 0;
function clientCredentials(clientId: string, clientSecret: string) {
  requests += 1;
  return postToken(
    server,
    {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: 'documents:read',
    },
    { json: requests % 2 === 0 },
  );
}

async function expectRefused(
  clientId: string,
  clientSecret: string,
  status: number,
  error: string,
): Promise<void> {
  const response = await clientCredentials(clientId, clientSecret);
  expect(response.status, response.text).toBe(status);
  expect(response.json).toMatchObject({ error });
}

/** Registers a client with the CLI and has the server cache it (the second request hits it). */
async function createCachedClient(): Promise<{ clientId: string; secret: string }> {
  const created = await cli([
    'client',
    'create',
    'Cached worker',
    '--grant',
    'client_credentials',
    '--grant',
    'api_keys',
    '--scope',
    'documents:read',
  ]);
  const clientId = String(created.client_id);
  const secret = String(created.client_secret);
  for (let i = 0; i < 2; i++) {
    const response = await clientCredentials(clientId, secret);
    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({ token_type: 'bearer', scope: 'documents:read' });
  }
  return { clientId, secret };
}

// Each change gets its own cached client, so each one fails on its own if the cache is stale.
describe('changes made by the CLI in another process take effect on the next request', () => {
  it('client reset-secret: the old secret is refused, the new one accepted', async () => {
    const { clientId, secret } = await createCachedClient();
    const reset = await cli(['client', 'reset-secret', clientId]);
    const newSecret = String(reset.client_secret);
    expect(newSecret).not.toBe(secret);
    await expectRefused(clientId, secret, 401, 'invalid_client');
    for (let i = 0; i < 2; i++) {
      expect((await clientCredentials(clientId, newSecret)).status).toBe(200);
    }
  });

  it('client update removing client_credentials: unauthorized_client', async () => {
    const { clientId, secret } = await createCachedClient();
    await cli(['client', 'update', clientId, '--grant', 'api_keys']);
    await expectRefused(clientId, secret, 400, 'unauthorized_client');
  });

  it('client update replacing the scopes: invalid_scope for the old scope', async () => {
    const { clientId, secret } = await createCachedClient();
    await cli([
      'client',
      'update',
      clientId,
      '--grant',
      'client_credentials',
      '--scope',
      'other:scope',
    ]);
    await expectRefused(clientId, secret, 400, 'invalid_scope');
  });

  it('client delete: invalid_client', async () => {
    const { clientId, secret } = await createCachedClient();
    await cli(['client', 'delete', clientId]);
    await expectRefused(clientId, secret, 401, 'invalid_client');
  });
});
