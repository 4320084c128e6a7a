import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { runKeygate, type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';
import {
  requirePostgresServerBinaries,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../support/throwaway_postgres.js';
import { postToken } from '../support/token_client.js';
import { waitUntil } from '../support/wait_until.js';

/**
 * S-4, issue 5 acceptance 3 (PostgreSQL): a keygate process whose database is a throwaway
 * PostgreSQL cluster that is stopped at once (`pg_ctl -m immediate`) while it serves answers
 * WSSE and the token endpoint with a JSON 503, never 200 and never a crash; `/readyz` turns
 * false; when PostgreSQL is back on the same port, service resumes without a restart, and a
 * nonce consumed before the outage is still refused (S-5).
 */
const available = requirePostgresServerBinaries();

describe.runIf(available)('PostgreSQL outage while serving (S-4)', () => {
  let dataDir: string;
  let postgres: ThrowawayPostgres;
  let keygate: ServerProcess;
  let credential: { key: string; secret: string };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-pg-outage-'));
    postgres = await startThrowawayPostgres();
    const env = { KEYGATE_DATA_DIR: dataDir, KEYGATE_DATABASE_URL: postgres.url };
    const migrated = await runKeygate(['migrate'], { env });
    expect(migrated.code, migrated.stderr).toBe(0);
    keygate = await startKeygateProcess([], { env });
    const generated = await runKeygate(
      ['apikey', 'generate', '--user', 'admin', '--org', 'default', '--json'],
      { env },
    );
    expect(generated.code, generated.stderr).toBe(0);
    credential = JSON.parse(generated.stdout) as { key: string; secret: string };
  });

  afterAll(async () => {
    await keygate?.stop();
    await postgres?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  function freshHeader(): string {
    return createUsernameTokenSync({ username: credential.key, secret: credential.secret }).header;
  }

  function unknownClientToken() {
    return postToken(keygate, {
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: 'nothing',
    });
  }

  it('fails closed while PostgreSQL is down and recovers by itself when it returns', async () => {
    const before = freshHeader();
    expect((await get(`${keygate.url}/api/v1/me`, { 'X-WSSE': before })).status).toBe(200);
    expect((await unknownClientToken()).status).toBe(401);
    expect((await get(`${keygate.url}/readyz`)).status).toBe(200);

    await postgres.stop();

    const during = await Promise.all(
      Array.from({ length: 10 }, () =>
        get(`${keygate.url}/api/v1/me`, { 'X-WSSE': freshHeader() }),
      ),
    );
    for (const response of during) {
      expect(response.status).toBe(503);
      expect(response.json).toMatchObject({ error: 'temporarily_unavailable' });
      expect(response.headers['retry-after']).toBe('5');
    }
    const token = await unknownClientToken();
    expect(token.status).toBe(503);
    expect(token.json).toMatchObject({ error: 'temporarily_unavailable' });
    // Readiness is checked at most once a second: it turns within that.
    await waitUntil(
      'readyz to answer 503',
      async () => (await get(`${keygate.url}/readyz`)).status === 503,
    );
    expect((await get(`${keygate.url}/healthz`)).status).toBe(200);

    await postgres.start();

    await waitUntil(
      'readyz to answer 200',
      async () => (await get(`${keygate.url}/readyz`)).status === 200,
    );
    const again = freshHeader();
    expect((await get(`${keygate.url}/api/v1/me`, { 'X-WSSE': again })).status).toBe(200);
    const replayed = await get(`${keygate.url}/api/v1/me`, { 'X-WSSE': before });
    expect(replayed.status).toBe(401);
    expect(replayed.json).toMatchObject({ error: 'nonce_replayed' });
    expect((await unknownClientToken()).status).toBe(401);

    expect(keygate.child.exitCode).toBeNull();
    expect(keygate.child.signalCode).toBeNull();
  });
});
