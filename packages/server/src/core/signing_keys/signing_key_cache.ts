import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { type SigningKeyRecord, type Store, StoreUnavailableError } from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import type { Sealer } from '../sealer.js';
import { TOKEN_DEFAULTS } from '../tokens/token_defaults.js';
import {
  type Es256PublicJwk,
  type PublishedJwk,
  type PublishedJwks,
  toPublicJwk,
} from './public_jwk.js';
import type { SigningKeyDeps } from './signing_key_deps.js';
import { SigningKeyError } from './signing_key_error.js';
import { compareSigningKeys, pickSigningKey } from './signing_key_status.js';

/** Why a stored key was left out of the cache (it neither signs nor verifies). */
export type KeyProblem = 'unsupported_alg' | 'invalid_public_key' | 'kid_mismatch';

/**
 * What a {@link SigningKeyCache} reads: the key table, with the store's `dataVersion` when it
 * has one, a keyring that can open sealed keys, and the clock (ms).
 */
export interface SigningKeyCacheDeps extends Pick<SigningKeyDeps, 'now'> {
  readonly store: SigningKeyDeps['store'] & Pick<Store, 'dataVersion'>;
  readonly secrets: Pick<Sealer, 'open'>;
}

/** Tuning of a {@link SigningKeyCache}. */
export interface SigningKeyCacheOptions {
  /**
   * Reload the keys from the store when the last load is this old, whatever `dataVersion`
   * says (the only trigger for a store without one); default 30 s.
   */
  readonly refreshSeconds?: number;
  /** Least time between extra reloads for a `kid` that is not loaded; default 1 s. */
  readonly unknownKidRefreshSeconds?: number;
  /** Told about each stored key that cannot be used (for the operator's log); never key material. */
  readonly onKeyProblem?: (kid: string, problem: KeyProblem) => void;
}

/** The key to sign with now. */
export interface ActiveSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

interface LoadedKey {
  readonly kid: string;
  readonly createdAt: number;
  readonly activatesAt: number;
  readonly privateJwkSealed: string;
  readonly publicJwkText: string;
  readonly publicJwk: Es256PublicJwk;
  readonly publicKey: KeyObject;
}

/**
 * This process's view of the signing keys (O-11): loads them from the store, imports each
 * public key once and opens each private key once, the first time it has to sign (cached per
 * `kid`: no per-request import or decrypt). It reloads as soon as the store's `dataVersion`
 * (which covers the signing keys) differs from the one read before the last load, so a key
 * rotated by `keygate keys rotate` in another process is in the JWKS, signs and verifies from
 * the next request on, as credential and client changes are; and at least every
 * `refreshSeconds` in any case. A token whose `kid` is not loaded triggers one early reload,
 * at most every `unknownKidRefreshSeconds`. Only rows whose `kid` is the thumbprint of their public key are
 * used. Store failures propagate (callers fail closed, S-4); the next call retries.
 */
export class SigningKeyCache {
  readonly #deps: SigningKeyCacheDeps;
  readonly #refreshMs: number;
  readonly #unknownKidRefreshMs: number;
  readonly #onKeyProblem: (kid: string, problem: KeyProblem) => void;
  #keys: ReadonlyMap<string, LoadedKey> = new Map();
  #ordered: readonly LoadedKey[] = [];
  #jwks: PublishedJwks = Object.freeze({ keys: Object.freeze([]) });
  #privateKeys = new Map<string, KeyObject>();
  #loadedAtMs: number | null = null;
  #loadedVersion: string | number | undefined;
  #loading: Promise<void> | null = null;

  /**
   * @param deps the key table (and the store's `dataVersion`), a keyring that can open sealed
   *   keys, and the clock (ms).
   * @param options reload intervals (whole seconds ≥ 0) and a problem callback.
   */
  constructor(deps: SigningKeyCacheDeps, options: SigningKeyCacheOptions = {}) {
    const {
      refreshSeconds = TOKEN_DEFAULTS.keyCacheRefreshSeconds,
      unknownKidRefreshSeconds = TOKEN_DEFAULTS.unknownKidRefreshSeconds,
      onKeyProblem = () => {},
    } = options;
    for (const [name, value] of Object.entries({ refreshSeconds, unknownKidRefreshSeconds })) {
      if (!Number.isFinite(value) || value < 0) {
        throw new TypeError(`${name} must be a non-negative number`);
      }
    }
    this.#deps = deps;
    this.#refreshMs = refreshSeconds * 1000;
    this.#unknownKidRefreshMs = unknownKidRefreshSeconds * 1000;
    this.#onKeyProblem = onKeyProblem;
  }

  /** Reloads the keys from the store now (concurrent calls share one load). */
  refresh(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  /**
   * The JWKS document (O-11): every stored key, pending, active and retired, newest first,
   * each with only `kty`, `crv`, `x`, `y`, `kid`, `alg` and `use`. Frozen; the same object
   * until the next reload.
   */
  async jwks(): Promise<PublishedJwks> {
    await this.#ensureFresh();
    return this.#jwks;
  }

  /**
   * The key that signs now: the highest-ranked loaded key whose `activatesAt` has come (when
   * none has, after one early reload as for an unknown `kid`). Throws `SigningKeyError`:
   * `no_signing_key` when there is none, `key_unavailable` when its private part cannot be
   * opened.
   */
  async signingKey(): Promise<ActiveSigningKey> {
    await this.#ensureFresh();
    let current = pickSigningKey(this.#ordered, unixSeconds(this.#deps.now()));
    if (current === null && this.#mayReloadEarly()) {
      // A key may have been created since the last load (first start in another process).
      await this.refresh();
      current = pickSigningKey(this.#ordered, unixSeconds(this.#deps.now()));
    }
    if (current === null) {
      throw new SigningKeyError(
        'no_signing_key',
        'no signing key is active; start the server once or run keygate keys rotate',
      );
    }
    return { kid: current.kid, privateKey: this.#privateKeyOf(current) };
  }

  /**
   * The public key for `kid`, or null when keygate has no such key (after one early reload
   * if allowed). Only keys from keygate's own store are ever returned.
   */
  async verificationKey(kid: string): Promise<KeyObject | null> {
    await this.#ensureFresh();
    const loaded = this.#keys.get(kid);
    if (loaded !== undefined) return loaded.publicKey;
    if (!this.#mayReloadEarly()) return null;
    await this.refresh();
    return this.#keys.get(kid)?.publicKey ?? null;
  }

  #mayReloadEarly(): boolean {
    const loadedAt = this.#loadedAtMs ?? Number.NEGATIVE_INFINITY;
    return this.#deps.now() - loadedAt >= this.#unknownKidRefreshMs;
  }

  #ensureFresh(): Promise<void> | undefined {
    const loadedAt = this.#loadedAtMs;
    const now = this.#deps.now();
    // A clock set back (tests, NTP step) also counts as stale.
    const recent = loadedAt !== null && now >= loadedAt && now - loadedAt < this.#refreshMs;
    if (recent && !this.#versionMoved()) return;
    return this.refresh();
  }

  /**
   * True when the store's `dataVersion` differs from the one the keys were loaded at. While
   * the store is unavailable the version cannot be read: the loaded keys (public data, and
   * the keys that signed every live token) keep serving until the backstop reload, as before
   * keys followed the version.
   */
  #versionMoved(): boolean {
    try {
      return this.#deps.store.dataVersion?.() !== this.#loadedVersion;
    } catch (error) {
      if (error instanceof StoreUnavailableError) return false;
      throw error;
    }
  }

  async #load(): Promise<void> {
    const startedAt = this.#deps.now();
    // Read before the keys, so what is loaded is at least as new as the version it is kept for.
    const version = this.#deps.store.dataVersion?.();
    const records = await this.#deps.store.signingKeys.list();
    const next = new Map<string, LoadedKey>();
    for (const record of records) {
      const known = this.#keys.get(record.kid);
      // The same public key keeps its KeyObject (verified-token memos stay valid); a re-sealed
      // private part (master key rotation) is opened again when next needed.
      if (known?.privateJwkSealed !== record.privateJwkSealed) {
        this.#privateKeys.delete(record.kid);
      }
      const loaded =
        known !== undefined && known.publicJwkText === record.publicJwk
          ? {
              ...known,
              createdAt: record.createdAt,
              activatesAt: record.activatesAt,
              privateJwkSealed: record.privateJwkSealed,
            }
          : await this.#import(record);
      if (loaded !== null) next.set(record.kid, loaded);
    }
    const ordered = [...next.values()].sort(compareSigningKeys);
    this.#keys = next;
    this.#ordered = ordered;
    this.#jwks = Object.freeze({
      keys: Object.freeze(ordered.map((key) => publish(key)).reverse()),
    });
    for (const kid of this.#privateKeys.keys()) {
      if (!next.has(kid)) this.#privateKeys.delete(kid);
    }
    this.#loadedAtMs = startedAt;
    this.#loadedVersion = version;
  }

  async #import(record: SigningKeyRecord): Promise<LoadedKey | null> {
    if (record.alg !== 'ES256') return this.#skip(record.kid, 'unsupported_alg');
    let publicJwk: Es256PublicJwk | null;
    let publicKey: KeyObject;
    try {
      publicJwk = toPublicJwk(JSON.parse(record.publicJwk) as Record<string, unknown>);
      if (publicJwk === null) return this.#skip(record.kid, 'invalid_public_key');
      publicKey = createPublicKey({ key: { ...publicJwk }, format: 'jwk' });
    } catch {
      return this.#skip(record.kid, 'invalid_public_key');
    }
    if ((await calculateJwkThumbprint(publicJwk, 'sha256')) !== record.kid) {
      return this.#skip(record.kid, 'kid_mismatch');
    }
    return {
      kid: record.kid,
      createdAt: record.createdAt,
      activatesAt: record.activatesAt,
      privateJwkSealed: record.privateJwkSealed,
      publicJwkText: record.publicJwk,
      publicJwk,
      publicKey,
    };
  }

  #skip(kid: string, problem: KeyProblem): null {
    this.#onKeyProblem(kid, problem);
    return null;
  }

  #privateKeyOf(key: LoadedKey): KeyObject {
    const cached = this.#privateKeys.get(key.kid);
    if (cached !== undefined) return cached;
    const unavailable = (why: string) =>
      new SigningKeyError('key_unavailable', `signing key ${key.kid} ${why}`);
    let plaintext: string;
    try {
      plaintext = this.#deps.secrets.open(key.privateJwkSealed, key.kid);
    } catch {
      throw unavailable('cannot be opened with the loaded master keys');
    }
    let privateKey: KeyObject;
    try {
      // No `cause`: a JSON or JWK parse error may quote the private key.
      privateKey = createPrivateKey({ key: JSON.parse(plaintext), format: 'jwk' });
    } catch {
      throw unavailable('is not a valid private JWK');
    }
    const derived = createPublicKey(privateKey).export({ format: 'jwk' });
    if (derived.crv !== 'P-256' || derived.x !== key.publicJwk.x || derived.y !== key.publicJwk.y) {
      throw unavailable('does not match its published public key');
    }
    this.#privateKeys.set(key.kid, privateKey);
    return privateKey;
  }
}

function publish(key: LoadedKey): PublishedJwk {
  const { kty, crv, x, y } = key.publicJwk;
  return Object.freeze({ kty, crv, x, y, kid: key.kid, alg: 'ES256', use: 'sig' });
}
