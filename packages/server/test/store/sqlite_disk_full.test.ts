import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireOrSkip } from '../support/external_tools.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  refresh,
  type TestClient,
} from '../support/oauth_fixtures.js';
import { canMountTmpfs, mountSmallTmpfs, type SmallTmpfs } from '../support/small_tmpfs.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { truncateSqliteWal } from '../support/truncate_sqlite_wal.js';

/**
 * Regression: with the SQLite database on a full disk, the refresh grant answered 500
 * (SQLite rolls a transaction back itself on SQLITE_FULL; the driver's own ROLLBACK then
 * failed with "no transaction is active", and that error, not the store's, reached the
 * caller). It must be 503 + Retry-After, and the token must still work once space is back.
 */
const enabled = requireOrSkip('mount -t tmpfs', canMountTmpfs());
let disk: SmallTmpfs;
let server: TestServer;
let client: TestClient;

beforeAll(async () => {
  if (!enabled) return;
  disk = await mountSmallTmpfs(4096);
  server = await startTestServer({ store: 'sqlite', sqliteDir: disk.dir });
  client = await createClient(server);
});
afterAll(async () => {
  if (!enabled) return;
  await server.close();
  await disk.dispose();
});

it.runIf(enabled)(
  'refresh on a full disk is 503 + Retry-After, and works once space is freed',
  async () => {
    const user = await createPasswordUser(server);
    const tokens = await codeFlowTokens(server, client, user);
    truncateSqliteWal(server.sqliteFile as string);
    disk.fill();
    let refused: Awaited<ReturnType<typeof refresh>> | null = null;
    try {
      refused = await refresh(server, client, tokens.refreshToken);
    } finally {
      disk.free();
    }
    expect(refused.status, refused.text).toBe(503);
    expect(refused.json).toMatchObject({ error: 'temporarily_unavailable' });
    expect(refused.headers['retry-after']).toBe('5');
    const renewed = await refresh(server, client, tokens.refreshToken);
    expect(renewed.status, renewed.text).toBe(200);
  },
);
