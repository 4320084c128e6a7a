import type { SigningKeyDeps } from './signing_key_deps.js';
import { compareSigningKeys } from './signing_key_status.js';

/**
 * Records `retiredAt` on every key that a higher-ranked key (see `compareSigningKeys`) takes
 * over from: the retirement time is when the next key up activates, which may be in the
 * future while that key is still announced. Keys that already have `retiredAt` keep it (the
 * port never moves it); a recorded time is never earlier than the key's last signature, so
 * deleting by it is safe. Returns the kids retired by this call.
 *
 * The record is for publication and deletion only: which key signs is decided from
 * `activatesAt` alone (`pickSigningKey`), so a process that reads the rows before this runs
 * still signs with the right key.
 */
export async function retireSupersededKeys(deps: Pick<SigningKeyDeps, 'store'>): Promise<string[]> {
  const keys = [...(await deps.store.signingKeys.list())].sort(compareSigningKeys);
  const retired: string[] = [];
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i];
    const next = keys[i + 1];
    if (key === undefined || next === undefined || key.retiredAt !== null) continue;
    if (await deps.store.signingKeys.retire(key.kid, next.activatesAt)) retired.push(key.kid);
  }
  return retired;
}
