import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { runKeygate, type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';

/**
 * A `keygate serve` process caches credential lookups (record, opened secret, active checks)
 * between requests. Acceptance 7 of the WSSE issue must still hold when the change is made by
 * the `keygate` CLI in another process: the next request sees it (W-7, W-8). And the
 * group-committed replay store still never answers 200 for a nonce a SIGKILL could lose (S-5).
 */
let dataDir: string;
let server: ServerProcess;
const env = () => ({ KEYGATE_DATA_DIR: dataDir });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-cross-process-'));
  server = await startKeygateProcess([], { env: env() });
});
afterAll(async () => {
  await server.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

async function cli(args: readonly string[]): Promise<unknown> {
  const result = await runKeygate([...args, '--json'], { env: env() });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

async function generateKey(user: string, org: string): Promise<{ key: string; secret: string }> {
  return (await cli(['apikey', 'generate', '--user', user, '--org', org])) as {
    key: string;
    secret: string;
  };
}

async function callAs(username: string, secret: string) {
  const { header } = createUsernameTokenSync({ username, secret });
  return get(`${server.url}/api/v1/me`, { 'X-WSSE': header });
}

/** Calls twice with fresh nonces, so the second call is served from the cache if there is one. */
async function expectAccepted(username: string, secret: string): Promise<void> {
  for (let i = 0; i < 2; i++) expect((await callAs(username, secret)).status).toBe(200);
}

async function expectRefused(username: string, secret: string, error: string): Promise<void> {
  const response = await callAs(username, secret);
  expect(response.status).toBe(401);
  expect(response.json).toMatchObject({ error });
}

describe('changes made by the CLI in another process take effect on the next request', () => {
  it('apikey disable, enable, reset and revoke', async () => {
    const { key, secret } = await generateKey('admin', 'default');
    await expectAccepted(key, secret);

    await cli(['apikey', 'disable', key]);
    await expectRefused(key, secret, 'credential_disabled');
    await cli(['apikey', 'enable', key]);
    await expectAccepted(key, secret);

    const reset = (await cli(['apikey', 'reset', key])) as { secret: string };
    await expectRefused(key, secret, 'invalid_credentials');
    await expectAccepted(key, reset.secret);

    await cli(['apikey', 'revoke', key]);
    await expectRefused(key, reset.secret, 'credential_disabled');
  });

  it('user and organization disable, in both Username styles', async () => {
    await cli(['org', 'create', 'globex']);
    await cli(['user', 'create', 'carol', '--org', 'globex']);
    const { key, secret } = await generateKey('carol', 'globex');
    await expectAccepted(key, secret);
    await expectAccepted('carol', secret);

    await cli(['user', 'disable', 'carol']);
    await expectRefused(key, secret, 'credential_disabled');
    await expectRefused('carol', secret, 'credential_disabled');
    await cli(['user', 'enable', 'carol']);
    await expectAccepted(key, secret);

    await cli(['org', 'disable', 'globex']);
    await expectRefused(key, secret, 'credential_disabled');
    await expectRefused('carol', secret, 'credential_disabled');
    await cli(['org', 'enable', 'globex']);
    await expectAccepted('carol', secret);
  });
});

describe('group-committed nonces survive SIGKILL (S-5)', () => {
  it('every nonce answered 200 under concurrent load is refused after kill and restart', async () => {
    const { key, secret } = await generateKey('admin', 'default');
    const headers = Array.from(
      { length: 200 },
      () => createUsernameTokenSync({ username: key, secret }).header,
    );
    const first = await Promise.all(
      headers.map((header) => get(`${server.url}/api/v1/me`, { 'X-WSSE': header })),
    );
    expect(first.map((r) => r.status)).toEqual(headers.map(() => 200));

    await server.stop('SIGKILL');
    server = await startKeygateProcess([], { env: env() });
    const replays = await Promise.all(
      headers.map((header) => get(`${server.url}/api/v1/me`, { 'X-WSSE': header })),
    );
    for (const replay of replays) {
      expect(replay.status).toBe(401);
      expect(replay.json).toMatchObject({ error: 'nonce_replayed' });
    }
    await expectAccepted(key, secret);
  });
});
