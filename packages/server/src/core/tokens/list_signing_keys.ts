import { unixSeconds } from '../clock.js';
import { compareSigningKeys } from './compare_signing_keys.js';
import type { SigningKeyDeps } from './signing_key_deps.js';
import { type SigningKeyView, toSigningKeyView } from './signing_key_view.js';

/**
 * Every stored signing key with its status now (`keygate keys list`), in signing order:
 * oldest first, the last pending key last. Never returns key material.
 */
export async function listSigningKeys(
  deps: Pick<SigningKeyDeps, 'store' | 'now'>,
): Promise<SigningKeyView[]> {
  const now = unixSeconds(deps.now());
  const records = [...(await deps.store.signingKeys.list())].sort(compareSigningKeys);
  return records.map((record) => toSigningKeyView(record, records, now));
}
