import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { loadMasterKeys } from '../../src/secrets/load_master_keys.js';
import { MasterKeyError } from '../../src/secrets/master_key_error.js';

// A filesystem without hard links, and a data directory keygate may not create.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    link: async () => {
      throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
    },
    mkdir: async (...args: Parameters<typeof actual.mkdir>) => {
      if (String(args[0]).includes('read-only')) {
        throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
      }
      return actual.mkdir(...args);
    },
  };
});

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keygate-master-key-nolink-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

it('creates the key file once, 0600, where hard links are not supported', async () => {
  const results = await Promise.all(
    Array.from({ length: 8 }, () => loadMasterKeys({ dataDir: root })),
  );
  expect(new Set(results.map((r) => r.keyring.primaryKeyId)).size).toBe(1);
  expect(results.filter((r) => r.created)).toHaveLength(1);
  expect(await readdir(root)).toEqual(['master.key']);
  if (process.platform !== 'win32') {
    expect((await stat(join(root, 'master.key'))).mode & 0o777).toBe(0o600);
  }
  const again = await loadMasterKeys({ dataDir: root });
  expect(again.keyring.primaryKeyId).toBe(results[0]?.keyring.primaryKeyId);
});

it('says what to do when the data directory cannot be created', async () => {
  const error = await loadMasterKeys({ dataDir: join(root, 'read-only', 'data') }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MasterKeyError);
  expect((error as Error).message).toContain('cannot create the master key file');
  expect((error as Error).message).toContain('EACCES');
  expect((error as Error).message).toContain('KEYGATE_MASTER_KEY');
});
