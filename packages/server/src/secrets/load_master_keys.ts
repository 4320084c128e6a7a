import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { MasterKeyError } from './master_key_error.js';
import { MasterKeyFile } from './master_key_file.js';
import { MasterKeyring } from './master_keyring.js';
import { MASTER_KEY_BYTES, MASTER_KEY_FORMAT_HINT, parseMasterKey } from './parse_master_key.js';

// How long a process that lost the key-file creation race waits for the winner's content.
const LOST_RACE_WAIT_MS = 2000;

/** Where `loadMasterKeys` looks. */
export interface LoadMasterKeysOptions {
  /** The value of `KEYGATE_MASTER_KEY`; undefined means "use the key file". */
  readonly env?: string | undefined;
  /** The data directory holding `master.key`. */
  readonly dataDir: string;
  /**
   * Whether a missing key file is created with a fresh key (default true: `keygate serve` and
   * `keygate migrate`). When false, a missing file is a `MasterKeyError`.
   */
  readonly create?: boolean;
}

/** The loaded keyring and where it came from. */
export interface LoadedMasterKeys {
  readonly keyring: MasterKeyring;
  readonly source: 'env' | 'file';
  /** Path of the key file, when `source` is `file`. */
  readonly file?: string;
  /** True when this call generated the key and created the file (first start). */
  readonly created: boolean;
}

/**
 * Loads the master keys (W-9). With `env` set (from `KEYGATE_MASTER_KEY`): a comma-separated
 * list, primary first, each key 64 hex characters or base64/base64url of 32 bytes. Otherwise
 * `<dataDir>/master.key`, created on first start with a fresh random key (data directory
 * 0700, file 0600, exclusive create so concurrent starts agree on one key) unless `create` is
 * false. Throws
 * `MasterKeyError` with a message that says what to fix and never contains a key.
 */
export async function loadMasterKeys(options: LoadMasterKeysOptions): Promise<LoadedMasterKeys> {
  if (options.env !== undefined) {
    return { keyring: new MasterKeyring(parseEnvKeys(options.env)), source: 'env', created: false };
  }
  const file = new MasterKeyFile(options.dataDir);
  const existing = await file.read();
  if (existing !== null) {
    return {
      keyring: new MasterKeyring(existing),
      source: 'file',
      file: file.path,
      created: false,
    };
  }
  if (options.create === false) {
    throw new MasterKeyError(
      `no master key: ${resolve(file.path)} does not exist and KEYGATE_MASTER_KEY is unset; restore the key file from a backup or set KEYGATE_MASTER_KEY`,
    );
  }
  const fresh = new Uint8Array(randomBytes(MASTER_KEY_BYTES));
  if (await file.create([fresh])) {
    return { keyring: new MasterKeyring([fresh]), source: 'file', file: file.path, created: true };
  }
  const winners = await file.read({ waitWhileEmptyMs: LOST_RACE_WAIT_MS });
  if (winners === null) {
    throw new MasterKeyError(
      `the master key file ${file.path} disappeared while keygate was creating it; start again`,
    );
  }
  return { keyring: new MasterKeyring(winners), source: 'file', file: file.path, created: false };
}

function parseEnvKeys(value: string): Uint8Array[] {
  if (value.trim() === '') {
    // An empty variable is more likely a broken deployment template than a request for the
    // key file, and silently creating a new key would hide that.
    throw new MasterKeyError(
      `KEYGATE_MASTER_KEY is set but empty; unset it to use the key file in the data directory, or set it to ${MASTER_KEY_FORMAT_HINT}`,
    );
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const total = entries.length;
  const problems: string[] = [];
  const keys: Uint8Array[] = [];
  const seen = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    const position = `entry ${index + 1} of ${total}`;
    if (entry === '') {
      problems.push(`${position} is empty (a stray comma?)`);
      continue;
    }
    const key = parseMasterKey(entry);
    if (key === null) {
      problems.push(`${position} is not a key: expected ${MASTER_KEY_FORMAT_HINT}`);
      continue;
    }
    if (key.every((byte) => byte === key[0])) {
      problems.push(`${position} repeats one byte value 32 times, a placeholder, not a key`);
      continue;
    }
    const fingerprint = Buffer.from(key).toString('hex');
    const earlier = seen.get(fingerprint);
    if (earlier !== undefined) {
      problems.push(`${position} is the same key as entry ${earlier}; list each key once`);
      continue;
    }
    seen.set(fingerprint, index + 1);
    keys.push(key);
  }
  if (problems.length > 0) {
    throw new MasterKeyError(
      `KEYGATE_MASTER_KEY is invalid (comma-separated keys, primary first):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return keys;
}
