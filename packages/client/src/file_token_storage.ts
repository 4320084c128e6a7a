import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenStorage } from './token_storage.js';

/**
 * A {@link TokenStorage} in one JSON file, for Node.js (browsers have no file system, hence
 * `@keygate/client/node`). The file is created with mode 0600 (owner read/write only) and
 * every change is written to a temporary file in the same directory, flushed, and renamed over
 * the old one, so a crash leaves either the old or the new content, never half of it. Writes
 * from one storage object are serialised; separate processes sharing a file are not
 * coordinated.
 *
 * @param file - Path of the JSON file; its directory is created (mode 0700) when missing.
 */
export function fileTokenStorage(file: string): TokenStorage {
  if (typeof file !== 'string' || file.length === 0) {
    throw new TypeError('fileTokenStorage: file must be a non-empty path');
  }
  let queue: Promise<unknown> = Promise.resolve();

  async function readAll(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value === 'string') values[name] = value;
    }
    return values;
  }

  async function writeAll(values: Record<string, string>): Promise<void> {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(values), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      // The umask cannot widen 0600, but a chmod makes the mode independent of it.
      await chmod(temporary, 0o600);
      await rename(temporary, file);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  function update(change: (values: Record<string, string>) => void): Promise<void> {
    const next = queue.then(async () => {
      const values = await readAll();
      change(values);
      await writeAll(values);
    });
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    async get(name) {
      await queue;
      return (await readAll())[name] ?? null;
    },
    set(name, value) {
      return update((values) => {
        values[name] = value;
      });
    },
    delete(name) {
      return update((values) => {
        delete values[name];
      });
    },
  };
}
