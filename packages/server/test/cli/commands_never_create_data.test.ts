import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/run_cli_in_process.js';
import {
  createScratchDatabase,
  requirePostgres,
  type ScratchDatabase,
} from '../support/scratch_postgres.js';

/**
 * Only `keygate serve` and `keygate migrate` set up a data directory. Every other command,
 * pointed at a directory without keygate data (a typo in --data-dir, the wrong working
 * directory), says so in one line and creates neither a database nor a master key there.
 */
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keygate-no-data-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const noData = (dir: string) =>
  `keygate: no keygate data in ${dir}: run \`keygate serve\` or \`keygate migrate\` first, or pass --data-dir\n`;

describe('a directory without keygate data', () => {
  it.each([
    [['org', 'list']],
    [['org', 'create', 'acme']],
    [['user', 'list']],
    [['apikey', 'list']],
    [['client', 'list']],
    [['keys', 'list']],
    [['keys', 'rotate']],
    [['wsse', 'nonces', 'delete']],
    [['master-key', 'rotate']],
  ])('%j refuses in one line and creates nothing', async (args) => {
    const missing = join(root, 'data');
    const result = await runCliInProcess(args, { env: { KEYGATE_DATA_DIR: missing } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(noData(missing));
    expect(existsSync(missing)).toBe(false);

    const empty = await runCliInProcess(['--data-dir', root, ...args]);
    expect(empty.stderr).toBe(noData(root));
    expect(await readdir(root)).toEqual([]);
  });

  it('a sqlite: URL naming a missing file is refused the same way', async () => {
    const file = join(root, 'elsewhere', 'keygate.sqlite');
    const result = await runCliInProcess(['org', 'list'], {
      env: { KEYGATE_DATA_DIR: root, KEYGATE_DATABASE_URL: `sqlite://${file}` },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `keygate: no keygate database at ${file}: run \`keygate migrate\` first, or check KEYGATE_DATABASE_URL\n`,
    );
    expect(existsSync(join(root, 'elsewhere'))).toBe(false);
  });

  it('after `keygate migrate` (database and master key) the commands work', async () => {
    const env = { KEYGATE_DATA_DIR: join(root, 'data') };
    expect((await runCliInProcess(['migrate'], { env })).code).toBe(0);
    expect(existsSync(join(root, 'data', 'master.key'))).toBe(true);
    const created = await runCliInProcess(['org', 'create', 'acme', '--json'], { env });
    expect(created.code, created.stderr).toBe(0);
  });

  it('a database without its master key file is refused, and no new key is made', async () => {
    const dataDir = join(root, 'data');
    const env = { KEYGATE_DATA_DIR: dataDir };
    expect((await runCliInProcess(['migrate'], { env })).code).toBe(0);
    await rm(join(dataDir, 'master.key'));
    const result = await runCliInProcess(['apikey', 'list'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `keygate: no master key: ${join(dataDir, 'master.key')} does not exist and KEYGATE_MASTER_KEY is unset; restore the key file from a backup or set KEYGATE_MASTER_KEY\n`,
    );
    expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
  });
});

const postgres = await requirePostgres();

describe.runIf(postgres)('a PostgreSQL database keygate never set up', () => {
  let database: ScratchDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createScratchDatabase();
    env = {
      KEYGATE_DATABASE_URL: database.url,
      KEYGATE_MASTER_KEY: randomBytes(32).toString('hex'),
    };
  });
  afterAll(() => database?.drop());

  it('is refused with a pointer to `keygate migrate`, untouched; once migrated it works', async () => {
    const result = await runCliInProcess(['org', 'create', 'acme'], {
      env: { ...env, KEYGATE_DATA_DIR: join(root, 'data') },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^keygate: PostgreSQL database postgres:\/\/\S+ has no keygate schema: run `keygate migrate` first, or check KEYGATE_DATABASE_URL\n$/,
    );
    const tables = await database.query(
      "select table_name from information_schema.tables where table_schema = 'public'",
    );
    expect(tables).toEqual([]);
    expect(existsSync(join(root, 'data'))).toBe(false);

    expect((await runCliInProcess(['migrate'], { env })).code).toBe(0);
    const created = await runCliInProcess(['org', 'create', 'acme', '--json'], { env });
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'acme' });
  });
});
