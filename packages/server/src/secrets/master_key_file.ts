import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MasterKeyError } from './master_key_error.js';
import { MASTER_KEY_FORMAT_HINT, parseMasterKey } from './parse_master_key.js';

const FILE_NAME = 'master.key';
const MAX_FILE_BYTES = 64 * 1024;
// Filesystems without hard links (some FUSE and network mounts) answer one of these.
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);
// Directory fsync is best effort where the platform or filesystem does not offer it.
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'ENOTSUP', 'EBADF', 'EACCES']);

/**
 * The master key file `<dataDir>/master.key` (W-9): one base64url key per line, primary
 * first, mode 0600 in a 0700 directory. Every write goes to a fresh 0600 temporary file that
 * is fsynced before it appears under the real name, and the directory is fsynced after, so
 * a crash at any moment leaves either the old file or the new one, never a partial one.
 */
export class MasterKeyFile {
  /** `<dataDir>/master.key`. */
  readonly path: string;

  constructor(readonly dataDir: string) {
    this.path = join(dataDir, FILE_NAME);
  }

  /**
   * The keys in the file, primary first, or null when there is no file. Throws
   * `MasterKeyError` when the file is readable by group or others (like ssh), is not a
   * regular file, is empty or has a line that is not a key. `waitWhileEmptyMs` re-reads an
   * empty file for up to that long: a process that lost the creation race may see the
   * winner's file before its content on filesystems where creation is not atomic.
   */
  async read(options: { waitWhileEmptyMs?: number } = {}): Promise<Uint8Array[] | null> {
    const deadline = Date.now() + (options.waitWhileEmptyMs ?? 0);
    for (;;) {
      const text = await this.#readText();
      if (text === null) return null;
      if (text.trim() !== '' || Date.now() >= deadline) return this.#parse(text);
      await sleep(25);
    }
  }

  /**
   * Creates the file holding `keys` unless it already exists. Resolves true when this call
   * created it and false when another process got there first (then `read` returns theirs).
   * Two processes starting at once therefore end up with one key, never two.
   */
  async create(keys: readonly Uint8Array[]): Promise<boolean> {
    const content = serialize(keys);
    const temp = this.#tempPath();
    try {
      await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
      await writeNewFile(temp, content);
    } catch (error) {
      throw new MasterKeyError(
        `cannot create the master key file in ${this.dataDir} (${errorCode(error) ?? 'unknown error'}); check that the data directory is writable by keygate's user, or set KEYGATE_MASTER_KEY`,
      );
    }
    try {
      try {
        // link() publishes the complete, fsynced file under the real name, and fails if
        // that name exists: an exclusive create without a window where the file is empty.
        await link(temp, this.path);
      } catch (error) {
        if (errorCode(error) === 'EEXIST') return false;
        if (!LINK_UNSUPPORTED.has(errorCode(error) ?? '')) throw error;
        try {
          await writeNewFile(this.path, content);
        } catch (fallbackError) {
          if (errorCode(fallbackError) === 'EEXIST') return false;
          throw fallbackError;
        }
      }
      await syncDirectory(this.dataDir);
      return true;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Atomically replaces the file's content with `keys` (temporary file, fsync, rename, fsync directory). */
  async replace(keys: readonly Uint8Array[]): Promise<void> {
    const temp = this.#tempPath();
    await writeNewFile(temp, serialize(keys));
    try {
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncDirectory(this.dataDir);
  }

  async #readText(): Promise<string | null> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw new MasterKeyError(
        `cannot open the master key file ${this.path} (${errorCode(error) ?? 'unknown error'}); check that keygate's user can read it`,
      );
    }
    try {
      // fstat the opened file, not the path, so a swap between check and read cannot slip by.
      const stat = await handle.stat();
      if (!stat.isFile()) {
        throw new MasterKeyError(`the master key file ${this.path} is not a regular file`);
      }
      if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
        const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
        throw new MasterKeyError(
          `permissions ${mode} for the master key file ${this.path} are too open: it must not be accessible by group or others; run chmod 600 ${this.path}`,
        );
      }
      if (stat.size > MAX_FILE_BYTES) {
        throw new MasterKeyError(
          `the master key file ${this.path} is too large to be a key file (${stat.size} bytes)`,
        );
      }
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  }

  #parse(text: string): Uint8Array[] {
    const keys: Uint8Array[] = [];
    const seen = new Map<string, number>();
    const lines = text.split('\n');
    for (const [index, raw] of lines.entries()) {
      const line = raw.trim();
      if (line === '') continue;
      const key = parseMasterKey(line);
      if (key === null) {
        throw new MasterKeyError(
          `line ${index + 1} of the master key file ${this.path} is not a key; expected one key per line, each ${MASTER_KEY_FORMAT_HINT}`,
        );
      }
      const fingerprint = Buffer.from(key).toString('hex');
      const earlier = seen.get(fingerprint);
      if (earlier !== undefined) {
        throw new MasterKeyError(
          `lines ${earlier} and ${index + 1} of the master key file ${this.path} hold the same key; remove one`,
        );
      }
      seen.set(fingerprint, index + 1);
      keys.push(key);
    }
    if (keys.length === 0) {
      throw new MasterKeyError(
        `the master key file ${this.path} holds no key; restore it from a backup (secrets sealed with the lost key cannot be opened)`,
      );
    }
    return keys;
  }

  #tempPath(): string {
    return `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  }
}

function serialize(keys: readonly Uint8Array[]): string {
  return `${keys.map((key) => Buffer.from(key).toString('base64url')).join('\n')}\n`;
}

/** Writes `content` to a file that must not exist yet (0600), fsyncs it, and removes it on failure. */
async function writeNewFile(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!DIR_SYNC_UNSUPPORTED.has(errorCode(error) ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}
