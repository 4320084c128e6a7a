import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileTokenStorage } from '../src/node.js';

/** The file TokenStorage (C-4): private file mode, atomic replacement, survives restarts. */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keygate-client-storage-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('fileTokenStorage', () => {
  it('creates the file with mode 0600 and its missing directory with 0700', async () => {
    const file = join(dir, 'nested', 'tokens.json');
    const storage = fileTokenStorage(file);
    await storage.set('tokens', '{"accessToken":"a"}');
    expect(await mode(file)).toBe(0o600);
    expect(await mode(join(dir, 'nested'))).toBe(0o700);
  });

  it('replaces a world-readable file with a 0600 one', async () => {
    const file = join(dir, 'tokens.json');
    await writeFile(file, '{}', { mode: 0o644 });
    await fileTokenStorage(file).set('tokens', 'x');
    expect(await mode(file)).toBe(0o600);
  });

  it('persists values across instances, deletes them, and leaves no temporary files', async () => {
    const file = join(dir, 'tokens.json');
    const first = fileTokenStorage(file);
    await Promise.all([first.set('tokens', 'one'), first.set('pending', 'two')]);
    const second = fileTokenStorage(file);
    expect(await second.get('tokens')).toBe('one');
    expect(await second.get('pending')).toBe('two');
    await second.delete('pending');
    expect(await fileTokenStorage(file).get('pending')).toBeNull();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ tokens: 'one' });
    expect(await readdir(dir)).toEqual(['tokens.json']);
  });

  it('a missing file reads as empty', async () => {
    expect(await fileTokenStorage(join(dir, 'none.json')).get('tokens')).toBeNull();
  });
});
