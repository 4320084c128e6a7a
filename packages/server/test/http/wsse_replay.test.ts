import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase64Lenient, encodeBase64, formatWsseHeader } from '@keygate/wsse';
import { createUsernameTokenSync, passwordDigest } from '@keygate/wsse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { runKeygate, startKeygateProcess } from '../support/keygate_process.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
  wsseHeader,
} from '../support/start_test_server.js';

/** Acceptance 3 of the WSSE issue: replay protection (W-6) under concurrency and restarts. */
describe('nonce replay on the running server (SQLite)', () => {
  let server: TestServer;
  let alice: SeededCredential;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    alice = await seedCredential(server);
  });
  afterAll(() => server.close());

  const freshHeader = () => wsseHeader(server, alice);

  it('the same header twice: 200, then 401 nonce_replayed', async () => {
    const header = freshHeader();
    expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': header })).status).toBe(200);
    const replay = await get(`${server.url}/api/v1/me`, { 'X-WSSE': header });
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ error: 'nonce_replayed' });
  });

  it('50 concurrent identical requests: exactly one 200, the rest nonce_replayed', async () => {
    const header = freshHeader();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => get(`${server.url}/api/v1/me`, { 'X-WSSE': header })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(49);
    for (const r of responses.filter((x) => x.status === 401)) {
      expect(r.json).toMatchObject({ error: 'nonce_replayed' });
    }
  });

  it('the nonce is scoped to the credential: the same nonce under another key is fresh', async () => {
    const bob = await seedCredential(server, 'bob', 'acme');
    const created = new Date(server.clock.now()).toISOString();
    const nonceBytes = 16;
    const first = createUsernameTokenSync({
      username: alice.key,
      secret: alice.secret,
      now: () => new Date(created),
      nonceBytes,
    });
    expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': first.header })).status).toBe(200);
    const digest = encodeBase64(
      passwordDigest(decodeBase64Lenient(first.token.nonce), first.token.created, bob.secret),
    );
    const second = formatWsseHeader({ ...first.token, username: bob.key, passwordDigest: digest });
    expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': second })).status).toBe(200);
  });
});

describe('replay protection survives SIGKILL (S-5)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-sigkill-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('a header used before SIGKILL is still refused after restart', async () => {
    const env = { KEYGATE_DATA_DIR: dataDir };
    const first = await startKeygateProcess([], { env });
    try {
      const generated = await runKeygate(
        ['apikey', 'generate', '--user', 'admin', '--org', 'default', '--json'],
        { env },
      );
      expect(generated.code, generated.stderr).toBe(0);
      const { key, secret } = JSON.parse(generated.stdout) as { key: string; secret: string };
      const { header } = createUsernameTokenSync({ username: key, secret });
      expect((await get(`${first.url}/api/v1/me`, { 'X-WSSE': header })).status).toBe(200);

      await first.stop('SIGKILL');
      const second = await startKeygateProcess([], { env });
      try {
        const replay = await get(`${second.url}/api/v1/me`, { 'X-WSSE': header });
        expect(replay.status).toBe(401);
        expect(replay.json).toMatchObject({ error: 'nonce_replayed' });
        const fresh = createUsernameTokenSync({ username: key, secret }).header;
        expect((await get(`${second.url}/api/v1/me`, { 'X-WSSE': fresh })).status).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop('SIGKILL');
    }
  });
});
