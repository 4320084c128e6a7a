import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMasterKeys } from '../../src/secrets/load_master_keys.js';
import { MasterKeyError } from '../../src/secrets/master_key_error.js';
import {
  MASTER_KEY_RESEAL_STEPS,
  type MasterKeyResealStep,
} from '../../src/secrets/master_key_reseal_steps.js';
import { MasterKeyring } from '../../src/secrets/master_keyring.js';
import { rotateMasterKey } from '../../src/secrets/rotate_master_key.js';
import type { Store } from '../../src/store/port.js';
import { createScratchSqliteStore } from '../support/scratch_sqlite_store.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keygate-rotate-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A store with `count` credentials sealed by `keyring`; returns id → plain secret. */
async function seed(
  store: Store,
  keyring: MasterKeyring,
  count: number,
): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  await store.organizations.create({ id: 'org', name: 'acme', createdAt: 1, disabledAt: null });
  for (let i = 0; i < count; i += 1) {
    const userId = `user-${i}`;
    await store.users.create({
      id: userId,
      login: `login-${i}`,
      email: null,
      passwordHash: null,
      createdAt: 1,
      disabledAt: null,
    });
    const id = `credential-${i}`;
    const secret = randomBytes(32).toString('base64url');
    await store.credentials.create({
      id,
      key: randomBytes(16).toString('hex'),
      userId,
      organizationId: 'org',
      secretCiphertext: keyring.seal(secret, id),
      status: i % 3 === 2 ? 'revoked' : 'active',
      createdAt: 1,
      secretSetAt: 1,
    });
    secrets.set(id, secret);
  }
  return secrets;
}

/** Asserts every credential opens with `keyring` to its original secret; returns the key ids used. */
async function expectAllOpen(
  store: Store,
  keyring: MasterKeyring,
  secrets: Map<string, string>,
): Promise<Set<string>> {
  const rows = await store.credentials.list();
  expect(rows).toHaveLength(secrets.size);
  for (const row of rows) {
    expect(keyring.open(row.secretCiphertext, row.id)).toBe(secrets.get(row.id));
  }
  return new Set(rows.map((row) => row.secretCiphertext.split('.')[1] ?? ''));
}

async function keyFileLines(): Promise<string[]> {
  return (await readFile(join(root, 'master.key'), 'utf8')).split('\n').filter((l) => l !== '');
}

describe('rotateMasterKey with the key file', () => {
  it('re-seals every credential under a new key and leaves only that key in the file', async () => {
    const before = await loadMasterKeys({ dataDir: root });
    const store = await createScratchSqliteStore();
    const secrets = await seed(store, before.keyring, 5);

    const result = await rotateMasterKey({ store, dataDir: root });

    const after = await loadMasterKeys({ dataDir: root });
    expect(result).toMatchObject({
      resealed: 5,
      resealedByStep: { credentials: 5 },
      source: 'file',
      primaryKeyId: after.keyring.primaryKeyId,
      retiredKeyIds: [before.keyring.primaryKeyId],
    });
    expect(after.keyring.primaryKeyId).not.toBe(before.keyring.primaryKeyId);
    expect(after.keyring.keyIds).toHaveLength(1);
    expect(await keyFileLines()).toHaveLength(1);
    expect(await expectAllOpen(store, after.keyring, secrets)).toEqual(
      new Set([after.keyring.primaryKeyId]),
    );
    expect(await readdir(root)).toEqual(['master.key']);
  });

  it('rotates twice in a row, each time to a new key', async () => {
    const first = await loadMasterKeys({ dataDir: root });
    const store = await createScratchSqliteStore();
    const secrets = await seed(store, first.keyring, 2);
    const a = await rotateMasterKey({ store, dataDir: root });
    const b = await rotateMasterKey({ store, dataDir: root });
    expect(b.primaryKeyId).not.toBe(a.primaryKeyId);
    expect(b.retiredKeyIds).toEqual([a.primaryKeyId]);
    await expectAllOpen(store, (await loadMasterKeys({ dataDir: root })).keyring, secrets);
  });

  it('keeps every secret openable when re-sealing fails, and a second run finishes', async () => {
    const before = await loadMasterKeys({ dataDir: root });
    const store = await createScratchSqliteStore();
    const secrets = await seed(store, before.keyring, 4);
    const crashing: Store = {
      ...store,
      credentials: {
        ...store.credentials,
        resealAll: () => Promise.reject(new Error('database went away')),
      },
    };

    await expect(rotateMasterKey({ store: crashing, dataDir: root })).rejects.toThrow(
      'database went away',
    );

    // The file now holds the new key and the old one, so everything still opens.
    const midway = await loadMasterKeys({ dataDir: root });
    expect(midway.keyring.keyIds).toHaveLength(2);
    expect(midway.keyring.keyIds[1]).toBe(before.keyring.primaryKeyId);
    await expectAllOpen(store, midway.keyring, secrets);
    expect(await readdir(root)).toEqual(['master.key']);

    const result = await rotateMasterKey({ store, dataDir: root });
    const after = await loadMasterKeys({ dataDir: root });
    expect(after.keyring.keyIds).toEqual([result.primaryKeyId]);
    expect(result.retiredKeyIds).toEqual(midway.keyring.keyIds);
    await expectAllOpen(store, after.keyring, secrets);
  });

  it('keeps every secret openable when a crash follows the re-seal but precedes the last rewrite', async () => {
    const before = await loadMasterKeys({ dataDir: root });
    const store = await createScratchSqliteStore();
    const secrets = await seed(store, before.keyring, 3);
    const crashAfterCredentials: MasterKeyResealStep = {
      name: 'crash',
      run: () => Promise.reject(new Error('killed')),
    };

    await expect(
      rotateMasterKey({
        store,
        dataDir: root,
        steps: [...MASTER_KEY_RESEAL_STEPS, crashAfterCredentials],
      }),
    ).rejects.toThrow('killed');

    const midway = await loadMasterKeys({ dataDir: root });
    expect(await expectAllOpen(store, midway.keyring, secrets)).toEqual(
      new Set([midway.keyring.primaryKeyId]),
    );
    expect(midway.keyring.keyIds).toContain(before.keyring.primaryKeyId);
  });

  it('stops with the row id when a secret does not open, changing no row', async () => {
    const before = await loadMasterKeys({ dataDir: root });
    const store = await createScratchSqliteStore();
    const secrets = await seed(store, before.keyring, 3);
    const stranger = new MasterKeyring([randomBytes(32)]);
    await store.credentials.replaceSecret('credential-1', stranger.seal('lost', 'credential-1'), 2);
    const rowsBefore = await store.credentials.list();

    const error = await rotateMasterKey({ store, dataDir: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MasterKeyError);
    expect((error as Error).message).toContain('credentials credential-1');
    expect((error as Error).message).toContain('unknown_key');
    expect((error as Error).message).not.toContain('lost');
    expect(await store.credentials.list()).toEqual(rowsBefore);
    const midway = await loadMasterKeys({ dataDir: root });
    for (const row of rowsBefore.filter((r) => r.id !== 'credential-1')) {
      expect(midway.keyring.open(row.secretCiphertext, row.id)).toBe(secrets.get(row.id));
    }
  });

  it('refuses to start while another rotation holds the lock, and leaves the lock alone', async () => {
    const before = await loadMasterKeys({ dataDir: root });
    const store = await createScratchSqliteStore();
    await seed(store, before.keyring, 1);
    const content = await readFile(join(root, 'master.key'), 'utf8');
    await writeFile(join(root, 'master.key.rotating'), 'pid 1\n');

    const error = await rotateMasterKey({ store, dataDir: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MasterKeyError);
    expect((error as Error).message).toContain('master.key.rotating');
    expect(await readFile(join(root, 'master.key'), 'utf8')).toBe(content);
    expect((await readdir(root)).sort()).toEqual(['master.key', 'master.key.rotating']);
  });

  it('refuses a second rotation while one is running, so no key in use is dropped', async () => {
    const before = await loadMasterKeys({ dataDir: root });
    const store = await createScratchSqliteStore();
    const secrets = await seed(store, before.keyring, 3);
    let release = (): void => undefined;
    let entered = (): void => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const paused: MasterKeyResealStep = {
      name: 'paused',
      run: () =>
        new Promise<number>((resolve) => {
          release = () => resolve(0);
          entered();
        }),
    };
    const first = rotateMasterKey({
      store,
      dataDir: root,
      steps: [...MASTER_KEY_RESEAL_STEPS, paused],
    });
    await inside;

    const second = await rotateMasterKey({ store, dataDir: root }).catch((e: unknown) => e);
    release();
    const result = await first;

    expect(second).toBeInstanceOf(MasterKeyError);
    const after = await loadMasterKeys({ dataDir: root });
    expect(after.keyring.keyIds).toEqual([result.primaryKeyId]);
    await expectAllOpen(store, after.keyring, secrets);
    expect(await readdir(root)).toEqual(['master.key']);
  });

  it('refuses when there is no key file to rotate, creating nothing', async () => {
    const store = await createScratchSqliteStore();
    const missingDir = join(root, 'missing');
    await expect(rotateMasterKey({ store, dataDir: missingDir })).rejects.toBeInstanceOf(
      MasterKeyError,
    );
    await expect(rotateMasterKey({ store, dataDir: root })).rejects.toThrow('no master key file');
    expect(await readdir(root)).toEqual([]);
  });
});

describe('rotateMasterKey with KEYGATE_MASTER_KEY', () => {
  it('re-seals everything under the first key and names the keys that can go', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const oldRing = new MasterKeyring([oldKey]);
    const store = await createScratchSqliteStore();
    const secrets = await seed(store, oldRing, 4);
    const env = `${newKey.toString('base64url')},${oldKey.toString('hex')}`;

    const result = await rotateMasterKey({ store, dataDir: root, env });

    const newOnly = new MasterKeyring([newKey]);
    expect(result).toEqual({
      resealed: 4,
      resealedByStep: { credentials: 4, signing_keys: 0 },
      primaryKeyId: newOnly.primaryKeyId,
      source: 'env',
      retiredKeyIds: [oldRing.primaryKeyId],
    });
    expect(await expectAllOpen(store, newOnly, secrets)).toEqual(new Set([newOnly.primaryKeyId]));
    expect(await readdir(root)).toEqual([]);
  });

  it('rejects a bad variable before touching any row', async () => {
    const ring = new MasterKeyring([randomBytes(32)]);
    const store = await createScratchSqliteStore();
    await seed(store, ring, 2);
    const rowsBefore = await store.credentials.list();
    await expect(
      rotateMasterKey({ store, dataDir: root, env: 'not-a-key' }),
    ).rejects.toBeInstanceOf(MasterKeyError);
    expect(await store.credentials.list()).toEqual(rowsBefore);
  });
});
