import { resolve } from 'node:path';
import type { Store } from '../store/port.js';
import type { LoadedMasterKeys } from './load_master_keys.js';
import { MasterKeyError } from './master_key_error.js';
import { SecretUnsealError } from './secret_unseal_error.js';

/**
 * Checks at open that the loaded master keys are the ones the database's secrets were sealed
 * with, by opening every signing key's private part (there are few, and each keygate that has
 * served has one). Throws `MasterKeyError` in one line that names where the keys came from,
 * so a wrong `KEYGATE_MASTER_KEY` or key file is reported before anything runs, instead of
 * as a failure at the first token issued.
 */
export async function checkMasterKeysOpen(
  store: Pick<Store, 'signingKeys'>,
  keys: LoadedMasterKeys,
): Promise<void> {
  for (const key of await store.signingKeys.list()) {
    try {
      keys.keyring.open(key.privateJwkSealed, key.kid);
    } catch (error) {
      if (!(error instanceof SecretUnsealError)) throw error;
      const sealedWith = `signing key ${key.kid} was sealed with another master key`;
      throw new MasterKeyError(
        keys.source === 'env'
          ? `wrong master key: KEYGATE_MASTER_KEY does not open this database's secrets (${sealedWith}); set it to the key the data was sealed with`
          : `wrong master key: ${resolve(keys.file ?? 'master.key')} does not open this database's secrets (${sealedWith}); restore the key file the data was sealed with, or set KEYGATE_MASTER_KEY to that key`,
      );
    }
  }
}
