import { createHmac } from 'node:crypto';
import type { Store } from '../../store/port.js';
import { StoreVersionCache } from '../caching/store_version_cache.js';
import { constantTimeEqual } from '../constant_time_equal.js';
import type { Sealer } from '../sealer.js';

/** Default bound on remembered credentials. */
const DEFAULT_CREDENTIAL_STAMP_ENTRIES = 10_000;

const STAMP_LABEL = 'keygate credential stamp v1';

/**
 * The API credential a token was made from: its id (`cid`) and the stamp of the secret
 * it had then (`cst`), so revoking or disabling the key, or resetting its secret, ends the
 * token on keygate's routes.
 */
export interface CredentialBinding {
  readonly id: string;
  readonly stamp: string;
}

/**
 * Names a secret without revealing it — an API credential's secret, or a user's password hash
 * for a legacy JWT from a password sign-in: HMAC-SHA256 keyed with the secret over a fixed label, the first
 * 12 bytes in base64url. A key reset or a password change makes a new secret and so a new
 * stamp; re-sealing the same key secret under another master key keeps it.
 */
export function stampOfSecret(secret: string): string {
  return createHmac('sha256', secret)
    .update(STAMP_LABEL)
    .digest()
    .subarray(0, 12)
    .toString('base64url');
}

/**
 * The current stamp of each API credential that is still active, looked up by credential id
 * . What it read is remembered while the store's `dataVersion` is unchanged (see
 * `StoreVersionCache`), so a token presented on every request costs no store read and no
 * AES-GCM open, and a key revoked, disabled or reset anywhere (the CLI in another process,
 * another keygate instance) is seen as soon as the data version moves on. Without
 * `dataVersion` every lookup reads the store. Holds stamps, never secrets.
 */
export class CredentialStamps {
  readonly #store: Store;
  readonly #secrets: Pick<Sealer, 'open'>;
  readonly #cache: StoreVersionCache<{ readonly stamp: string | null }>;

  /** @param maxEntries - how many credentials to remember (≥ 1). */
  constructor(
    deps: { readonly store: Store; readonly secrets: Pick<Sealer, 'open'> },
    maxEntries = DEFAULT_CREDENTIAL_STAMP_ENTRIES,
  ) {
    this.#store = deps.store;
    this.#secrets = deps.secrets;
    this.#cache = new StoreVersionCache(maxEntries);
  }

  /**
   * The stamp of credential `id`'s secret, or null when no such credential exists, it is not
   * active, or its secret does not open.
   */
  async current(id: string): Promise<string | null> {
    const { dataVersion } = this.#store;
    if (dataVersion === undefined) return this.#load(id);
    const version = dataVersion.call(this.#store);
    const cached = this.#cache.get(version, id);
    if (cached !== undefined) return cached.stamp;
    const stamp = await this.#load(id);
    // Ids come only from tokens keygate signed, so caching what was not found is safe.
    this.#cache.set(version, id, { stamp });
    return stamp;
  }

  /** True when the credential is still active and its secret is the one `binding` names. */
  async isCurrent(binding: CredentialBinding): Promise<boolean> {
    const stamp = await this.current(binding.id);
    return stamp !== null && constantTimeEqual(stamp, binding.stamp);
  }

  async #load(id: string): Promise<string | null> {
    const credential = await this.#store.credentials.findById(id);
    if (credential?.status !== 'active') return null;
    try {
      return stampOfSecret(this.#secrets.open(credential.secretCiphertext, credential.id));
    } catch {
      // A ciphertext that does not open can never have made a token.
      return null;
    }
  }
}
