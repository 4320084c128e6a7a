import { unixSeconds } from '../clock.js';
import { createSigningKey } from './create_signing_key.js';
import { retireSupersededKeys } from './retire_superseded_keys.js';
import type { SigningKeyDeps } from './signing_key_deps.js';
import { pickSigningKey } from './signing_key_status.js';

/** What `ensureSigningKey` found or made. */
export interface EnsuredSigningKey {
  /** The key that was signing, or the key this call created. */
  readonly kid: string;
  /** True when this call created the key. */
  readonly created: boolean;
}

/**
 * Run at server start: when no stored key signs now (first start, or only an announced key
 * from a `keys rotate` run before the first start), creates one that signs at once. Safe when
 * several processes start together: each may add a key, every added key is published, and
 * all processes agree on one signer by `compareSigningKeys`; the others are recorded as
 * retired and keep verifying what they signed.
 */
export async function ensureSigningKey(deps: SigningKeyDeps): Promise<EnsuredSigningKey> {
  const now = unixSeconds(deps.now());
  const current = pickSigningKey(await deps.store.signingKeys.list(), now);
  if (current !== null) return { kid: current.kid, created: false };
  const created = await createSigningKey(deps, { activatesAt: now });
  await retireSupersededKeys(deps);
  return { kid: created.kid, created: true };
}
