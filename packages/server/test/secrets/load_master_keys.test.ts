import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMasterKeys } from '../../src/secrets/load_master_keys.js';
import { MasterKeyError } from '../../src/secrets/master_key_error.js';
import { MasterKeyring } from '../../src/secrets/master_keyring.js';

const ID = 'credential-1';
const posix = process.platform !== 'win32';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keygate-master-key-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function masterKeyError(promise: Promise<unknown>): Promise<MasterKeyError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MasterKeyError);
  return error as MasterKeyError;
}

describe('loadMasterKeys from the key file', () => {
  it('creates the data directory (0700) and a 0600 key file with one 32-byte key', async () => {
    const dataDir = join(root, 'nested', 'data');
    const loaded = await loadMasterKeys({ dataDir });

    expect(loaded.source).toBe('file');
    expect(loaded.created).toBe(true);
    expect(loaded.file).toBe(join(dataDir, 'master.key'));
    const lines = (await readFile(join(dataDir, 'master.key'), 'utf8')).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    expect(Buffer.from(lines[0] ?? '', 'base64url')).toHaveLength(32);
    expect(loaded.keyring.primaryKeyId).toBe(
      new MasterKeyring([Buffer.from(lines[0] ?? '', 'base64url')]).primaryKeyId,
    );
    if (posix) {
      expect((await stat(join(dataDir, 'master.key'))).mode & 0o777).toBe(0o600);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    }
    expect(await readdir(dataDir)).toEqual(['master.key']);
  });

  it('reuses the file on the next start', async () => {
    const first = await loadMasterKeys({ dataDir: root });
    const sealed = first.keyring.seal('secret', ID);
    const second = await loadMasterKeys({ dataDir: root });

    expect(second.created).toBe(false);
    expect(second.keyring.primaryKeyId).toBe(first.keyring.primaryKeyId);
    expect(second.keyring.open(sealed, ID)).toBe('secret');
  });

  it('gives every one of many concurrent first starts the same single key', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => loadMasterKeys({ dataDir: root })),
    );
    const ids = new Set(results.map((r) => r.keyring.primaryKeyId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const onDisk = await loadMasterKeys({ dataDir: root });
    expect(onDisk.keyring.keyIds).toEqual([...ids]);
    expect(await readdir(root)).toEqual(['master.key']);
  });

  it('reads several keys, primary first, ignoring blank lines and CRLF', async () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    await writeFile(
      join(root, 'master.key'),
      `${a.toString('base64url')}\r\n\r\n${b.toString('base64url')}\n`,
      { mode: 0o600 },
    );
    const { keyring } = await loadMasterKeys({ dataDir: root });
    expect(keyring.keyIds).toEqual([
      new MasterKeyring([a]).primaryKeyId,
      new MasterKeyring([b]).primaryKeyId,
    ]);
  });

  it.skipIf(!posix)('refuses a key file readable by group or others, like ssh', async () => {
    await loadMasterKeys({ dataDir: root });
    const file = join(root, 'master.key');
    const content = await readFile(file, 'utf8');
    await chmod(file, 0o644);

    const error = await masterKeyError(loadMasterKeys({ dataDir: root }));
    expect(error.message).toContain('0644');
    expect(error.message).toContain('too open');
    expect(error.message).toContain(`chmod 600 ${file}`);
    expect(error.message).not.toContain(content.trim());
    expect(error.code).toBe('master_key');

    await chmod(file, 0o640);
    await masterKeyError(loadMasterKeys({ dataDir: root }));
    await chmod(file, 0o600);
    await expect(loadMasterKeys({ dataDir: root })).resolves.toMatchObject({ created: false });
  });

  it('refuses a key file with a line that is not a key, naming the line only', async () => {
    const good = randomBytes(32).toString('base64url');
    const bad = randomBytes(31).toString('base64url');
    await writeFile(join(root, 'master.key'), `${good}\n${bad}\n`, { mode: 0o600 });
    const error = await masterKeyError(loadMasterKeys({ dataDir: root }));
    expect(error.message).toContain('line 2');
    expect(error.message).not.toContain(bad);
    expect(error.message).not.toContain(good);
  });

  it('refuses an empty key file instead of silently making a new key', async () => {
    await writeFile(join(root, 'master.key'), '\n', { mode: 0o600 });
    const error = await masterKeyError(loadMasterKeys({ dataDir: root }));
    expect(error.message).toContain('holds no key');
    expect(await readFile(join(root, 'master.key'), 'utf8')).toBe('\n');
  });
});

describe('loadMasterKeys from KEYGATE_MASTER_KEY', () => {
  it('accepts hex, base64 (with or without padding) and base64url keys, primary first', async () => {
    const keys = [randomBytes(32), randomBytes(32), randomBytes(32), randomBytes(32)];
    const env = [
      keys[0]?.toString('hex').toUpperCase(),
      keys[1]?.toString('base64'),
      keys[2]?.toString('base64').replace(/=$/, ''),
      ` ${keys[3]?.toString('base64url')} `,
    ].join(',');
    const loaded = await loadMasterKeys({ env, dataDir: join(root, 'unused') });

    expect(loaded.source).toBe('env');
    expect(loaded.created).toBe(false);
    expect(loaded.file).toBeUndefined();
    expect(loaded.keyring.keyIds).toEqual(keys.map((k) => new MasterKeyring([k]).primaryKeyId));
    expect(await readdir(root)).toEqual([]);
  });

  it('accepts a key whose base64 form contains + and /', async () => {
    let k = randomBytes(32);
    while (!/[+/]/.test(k.toString('base64'))) k = randomBytes(32);
    const { keyring } = await loadMasterKeys({ env: k.toString('base64'), dataDir: root });
    expect(keyring.primaryKeyId).toBe(new MasterKeyring([k]).primaryKeyId);
  });

  it.each([
    ['too short', () => randomBytes(31).toString('base64')],
    ['too long', () => randomBytes(33).toString('base64url')],
    ['63 hex characters', () => randomBytes(32).toString('hex').slice(1)],
    ['not base64', () => `${'!'.repeat(43)}`],
    ['a passphrase', () => 'correct horse battery staple'],
  ])('rejects an entry that is %s, naming its position but not its value', async (_, make) => {
    const good = randomBytes(32).toString('base64url');
    const bad = make();
    const error = await masterKeyError(loadMasterKeys({ env: `${good},${bad}`, dataDir: root }));
    expect(error.message).toContain('entry 2 of 2');
    expect(error.message).not.toContain('entry 1 ');
    expect(error.message).toContain('64 hex characters');
    expect(error.message).toContain('base64');
    expect(error.message).not.toContain(bad);
    expect(error.message).not.toContain(good);
  });

  it('reports every bad entry: empty ones, duplicates and placeholders', async () => {
    const good = randomBytes(32);
    const env = [
      good.toString('hex'),
      '',
      good.toString('base64'),
      Buffer.alloc(32).toString('hex'),
    ].join(',');
    const error = await masterKeyError(loadMasterKeys({ env, dataDir: root }));
    expect(error.message).toContain('entry 2 of 4 is empty');
    expect(error.message).toContain('entry 3 of 4 is the same key as entry 1');
    expect(error.message).toContain('entry 4 of 4');
    expect(error.message).not.toContain(good.toString('hex'));
  });

  it('refuses a variable that is set but empty rather than falling back to a new key file', async () => {
    const error = await masterKeyError(loadMasterKeys({ env: '  ', dataDir: root }));
    expect(error.message).toContain('KEYGATE_MASTER_KEY is set but empty');
    expect(await readdir(root)).toEqual([]);
  });

  it('rejects a non-canonical base64 spelling', async () => {
    const k = randomBytes(32);
    const text = k.toString('base64url');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 43 characters carry 258 bits; setting an unused low bit keeps the bytes, breaks canonicity.
    const altered = text.slice(0, -1) + alphabet[alphabet.indexOf(text.at(-1) ?? 'A') ^ 0x01];
    const error = await masterKeyError(loadMasterKeys({ env: altered, dataDir: root }));
    expect(error.message).toContain('entry 1 of 1');
  });
});

describe('loadMasterKeys when the data directory cannot be used', () => {
  it('answers with a MasterKeyError naming the key file, not a raw fs error', async () => {
    const blocker = join(root, 'not-a-directory');
    await writeFile(blocker, '');
    const dataDir = join(blocker, 'data');
    const error = await masterKeyError(loadMasterKeys({ dataDir }));
    expect(error.message).toContain(join(dataDir, 'master.key'));
    expect(error.message).toContain('ENOTDIR');
  });
});
