import { unixSeconds } from '../clock.js';
import { TOKEN_DEFAULTS } from '../tokens/token_defaults.js';
import { createSigningKey } from './create_signing_key.js';
import type { KeyRetentionOptions } from './key_retention.js';
import { pruneSigningKeys } from './key_retention.js';
import { retireSupersededKeys } from './retire_superseded_keys.js';
import type { SigningKeyDeps } from './signing_key_deps.js';
import { pickSigningKey } from './signing_key_status.js';
import { type SigningKeyView, toSigningKeyView } from './signing_key_view.js';

/** How to rotate, and the token lifetimes that decide when old keys may go. */
export interface RotateSigningKeysOptions extends KeyRetentionOptions {
  /** Seconds the new key is published before it signs; default 300 (`TOKEN_DEFAULTS`). */
  readonly announceSeconds?: number;
}

/** What a rotation did. */
export interface SigningKeyRotation {
  /** The new key (status `pending` during the announce period). */
  readonly key: SigningKeyView;
  /** Keys whose retirement this rotation recorded (effective when the new key activates). */
  readonly retired: readonly string[];
  /** Retired keys deleted because every token they signed has expired. */
  readonly deleted: number;
}

/**
 * `keygate keys rotate` (O-11). Adds a key that is in the JWKS from now and signs from
 * `now + announceSeconds`; the key signing until then is recorded as retired at that moment
 * (see `retireSupersededKeys`) and stays published for `keyRetentionSeconds` after it, so
 * tokens it signed keep verifying until they expire; keys retired longer ago are deleted.
 * When no key signs yet there is nothing to hand over from and the new key activates at once;
 * otherwise never earlier than a second after the current key activated.
 */
export async function rotateSigningKeys(
  deps: SigningKeyDeps,
  options: RotateSigningKeysOptions = {},
): Promise<SigningKeyRotation> {
  const { announceSeconds = TOKEN_DEFAULTS.announceSeconds, ...retention } = options;
  if (!Number.isSafeInteger(announceSeconds) || announceSeconds < 0) {
    throw new TypeError('announceSeconds must be a non-negative integer');
  }
  const now = unixSeconds(deps.now());
  const current = pickSigningKey(await deps.store.signingKeys.list(), now);
  // Strictly after the current key, so the new key outranks it even when both were made in
  // the same second (`compareSigningKeys` would otherwise fall back to the kids).
  const activatesAt =
    current === null ? now : Math.max(now + announceSeconds, current.activatesAt + 1);
  const created = await createSigningKey(deps, { activatesAt });
  const retired = await retireSupersededKeys(deps);
  const deleted = await pruneSigningKeys(deps, retention);
  const all = await deps.store.signingKeys.list();
  const stored = all.find((record) => record.kid === created.kid) ?? created;
  return { key: toSigningKeyView(stored, all, now), retired, deleted };
}
