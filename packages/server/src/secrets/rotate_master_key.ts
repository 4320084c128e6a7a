import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { loadMasterKeys } from './load_master_keys.js';
import { MasterKeyError } from './master_key_error.js';
import { MasterKeyFile } from './master_key_file.js';
import {
  MASTER_KEY_RESEAL_STEPS,
  type MasterKeyResealStep,
  type ResealableStore,
} from './master_key_reseal_steps.js';
import { MasterKeyring } from './master_keyring.js';
import { MASTER_KEY_BYTES } from './parse_master_key.js';
import { SecretUnsealError } from './secret_unseal_error.js';

/** Input for `rotateMasterKey`. */
export interface RotateMasterKeyOptions {
  readonly store: ResealableStore;
  /** The data directory holding `master.key` (used when `env` is undefined). */
  readonly dataDir: string;
  /** The value of `KEYGATE_MASTER_KEY`, new key first; undefined means the key file. */
  readonly env?: string | undefined;
  /** What to re-seal; defaults to `MASTER_KEY_RESEAL_STEPS`. */
  readonly steps?: readonly MasterKeyResealStep[];
}

/** What a rotation did. */
export interface RotateMasterKeyResult {
  /** Rows rewritten, all steps together. */
  readonly resealed: number;
  /** Rows rewritten per step name. */
  readonly resealedByStep: Readonly<Record<string, number>>;
  /** The key every secret is now sealed with. */
  readonly primaryKeyId: string;
  readonly source: 'env' | 'file';
  /**
   * Keys nothing is sealed with any more. File mode: already removed from the key file.
   * Env mode: the operator can now remove them from `KEYGATE_MASTER_KEY`.
   */
  readonly retiredKeyIds: readonly string[];
}

/**
 * Rotates the master key and re-seals every secret under it (W-9).
 *
 * File mode (no `env`): generates a key, rewrites `master.key` atomically as `new, old…`,
 * re-seals every step's rows under the new key, then rewrites the file with the new key
 * only. Every file state a crash can leave holds every key some row is sealed with, so a
 * failed rotation loses nothing and can simply be run again. A lock file
 * (`master.key.rotating`) keeps two rotations from interleaving their file rewrites.
 *
 * Env mode: the operator has put a new key first in `KEYGATE_MASTER_KEY` and kept the old
 * ones after it; every row is re-sealed under that first key, after which the others are
 * reported in `retiredKeyIds` and can be removed from the environment.
 *
 * Run it while no keygate server is writing sealed secrets: a running server keeps sealing
 * with the key it loaded at start, and in file mode that key leaves the file at the end.
 */
export async function rotateMasterKey(
  options: RotateMasterKeyOptions,
): Promise<RotateMasterKeyResult> {
  const steps = options.steps ?? MASTER_KEY_RESEAL_STEPS;
  if (options.env !== undefined) {
    const { keyring } = await loadMasterKeys({ env: options.env, dataDir: options.dataDir });
    const counts = await runSteps(options.store, keyring, steps, 'KEYGATE_MASTER_KEY');
    return result(counts, keyring, 'env', keyring.keyIds.slice(1));
  }

  const file = new MasterKeyFile(options.dataDir);
  const releaseLock = await acquireRotationLock(file);
  try {
    const current = await file.read();
    if (current === null) {
      throw new MasterKeyError(
        `there is no master key file at ${file.path} to rotate; check the data directory (keygate creates the file on first start)`,
      );
    }
    const fresh = new Uint8Array(randomBytes(MASTER_KEY_BYTES));
    const all = [fresh, ...current];
    const keyring = new MasterKeyring(all);
    await file.replace(all);
    const counts = await runSteps(options.store, keyring, steps, file.path);
    await file.replace([fresh]);
    return result(counts, keyring, 'file', keyring.keyIds.slice(1));
  } finally {
    await releaseLock();
  }
}

async function runSteps(
  store: ResealableStore,
  keyring: MasterKeyring,
  steps: readonly MasterKeyResealStep[],
  keySource: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const step of steps) {
    const reseal = (sealed: string, associatedData: string): string => {
      let plaintext: string;
      try {
        plaintext = keyring.open(sealed, associatedData);
      } catch (error) {
        if (!(error instanceof SecretUnsealError)) throw error;
        // Associated data is a row id, never secret; naming it lets the operator find the row.
        throw new MasterKeyError(
          `cannot re-seal ${step.name} ${associatedData}: it does not open with the keys in ${keySource} (${error.reason}); rotation stopped and every secret still opens with those keys`,
        );
      }
      return keyring.needsReseal(sealed) ? keyring.seal(plaintext, associatedData) : sealed;
    };
    counts.set(step.name, (counts.get(step.name) ?? 0) + (await step.run(store, reseal)));
  }
  return counts;
}

function result(
  counts: Map<string, number>,
  keyring: MasterKeyring,
  source: 'env' | 'file',
  retiredKeyIds: readonly string[],
): RotateMasterKeyResult {
  let resealed = 0;
  for (const count of counts.values()) resealed += count;
  return {
    resealed,
    resealedByStep: Object.freeze(Object.fromEntries(counts)),
    primaryKeyId: keyring.primaryKeyId,
    source,
    retiredKeyIds,
  };
}

async function acquireRotationLock(file: MasterKeyFile): Promise<() => Promise<void>> {
  const lockPath = `${file.path}.rotating`;
  try {
    const handle = await open(lockPath, 'wx', 0o600);
    try {
      await handle.writeFile(`pid ${process.pid} since ${new Date().toISOString()}\n`);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EEXIST') {
      throw new MasterKeyError(
        `another master key rotation holds ${lockPath}; if none is running (an earlier one crashed), delete that file and rotate again: ${file.path} still holds every key needed`,
      );
    }
    if (code === 'ENOENT') {
      throw new MasterKeyError(
        `the data directory ${file.dataDir} does not exist, so there is no master key file to rotate`,
      );
    }
    throw error;
  }
  return () => unlink(lockPath).catch(() => undefined);
}
