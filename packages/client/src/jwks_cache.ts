import type { FetchLike } from './auth_context.js';
import { TokenInvalidError } from './errors.js';
import { fetchJson } from './fetch_json.js';

/** One public key of a JWKS, as far as ES256 verification needs it. */
interface EcPublicJwk {
  readonly kid: string;
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
}

/** Options for {@link JwksCache}. */
export interface JwksCacheOptions {
  /** How long a fetched key set is used before it is fetched again; default 300 s. */
  readonly maxAgeSeconds?: number;
  /**
   * An unknown `kid` refetches the set (a rotation may have published a new key), but not more
   * often than this; default 30 s. Stops forged `kid`s from turning into a request flood.
   */
  readonly cooldownSeconds?: number;
}

/** A key of the set and, once a token needed it, its WebCrypto import. */
interface CachedKey {
  readonly jwk: EcPublicJwk;
  imported: Promise<CryptoKey> | null;
}

interface Entry {
  keys: Map<string, CachedKey>;
  fetchedAt: number;
  pending: Promise<void> | null;
}

/** The key imported for ES256 verification, at its first use and then reused. */
function verificationKey(cached: CachedKey): Promise<CryptoKey> {
  const { kty, crv, x, y } = cached.jwk;
  cached.imported ??= globalThis.crypto.subtle.importKey(
    'jwk',
    { kty, crv, x, y },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  return cached.imported;
}

function usableKey(value: unknown): EcPublicJwk | null {
  if (value === null || typeof value !== 'object') return null;
  const jwk = value as Record<string, unknown>;
  if (
    typeof jwk.kid !== 'string' ||
    jwk.kty !== 'EC' ||
    jwk.crv !== 'P-256' ||
    typeof jwk.x !== 'string' ||
    typeof jwk.y !== 'string'
  ) {
    return null;
  }
  if (jwk.alg !== undefined && jwk.alg !== 'ES256') return null;
  if (jwk.use !== undefined && jwk.use !== 'sig') return null;
  return { kid: jwk.kid, kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/**
 * A small cache of JSON Web Key Sets by URL, for {@link verifyAccessToken}: keys are fetched
 * once, reused for `maxAgeSeconds`, refetched early (at most every `cooldownSeconds`) when a
 * token names an unknown `kid`. Only EC P-256 signing keys are kept, each imported into
 * WebCrypto once, when a token first needs it. Keys come only from the configured URL (a
 * redirect is not followed), never from a token.
 */
export class JwksCache {
  readonly #maxAgeMs: number;
  readonly #cooldownMs: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: JwksCacheOptions = {}) {
    this.#maxAgeMs = (options.maxAgeSeconds ?? 300) * 1000;
    this.#cooldownMs = (options.cooldownSeconds ?? 30) * 1000;
  }

  /**
   * The ES256 verification key with `kid` from the set at `url`, or null when the set (fresh,
   * or refetched because the kid was unknown) does not have it.
   *
   * @throws TokenInvalidError (`jwks_unavailable`) when the set cannot be fetched.
   */
  async key(url: string, kid: string, fetch: FetchLike, nowMs: number): Promise<CryptoKey | null> {
    let entry = this.#entries.get(url);
    if (!entry || nowMs - entry.fetchedAt >= this.#maxAgeMs || nowMs < entry.fetchedAt) {
      entry = await this.#refresh(url, fetch, nowMs);
    }
    let found = entry.keys.get(kid);
    if (!found && nowMs - entry.fetchedAt >= this.#cooldownMs) {
      entry = await this.#refresh(url, fetch, nowMs);
      found = entry.keys.get(kid);
    }
    return found ? verificationKey(found) : null;
  }

  async #refresh(url: string, fetch: FetchLike, nowMs: number): Promise<Entry> {
    const existing = this.#entries.get(url);
    if (existing?.pending) {
      await existing.pending;
      return existing;
    }
    const entry: Entry = existing ?? { keys: new Map(), fetchedAt: -Infinity, pending: null };
    this.#entries.set(url, entry);
    entry.pending = (async () => {
      let body: Record<string, unknown>;
      try {
        body = await fetchJson(fetch, { method: 'GET', url, what: `the JWKS at ${url}` });
      } catch (error) {
        throw new TokenInvalidError(
          'jwks_unavailable',
          `the JWKS at ${url} could not be fetched (${(error as Error).message})`,
          { cause: error },
        );
      }
      const keys = new Map<string, CachedKey>();
      for (const candidate of Array.isArray(body.keys) ? body.keys : []) {
        const jwk = usableKey(candidate);
        if (jwk) keys.set(jwk.kid, { jwk, imported: null });
      }
      entry.keys = keys;
      entry.fetchedAt = nowMs;
    })();
    try {
      await entry.pending;
    } finally {
      entry.pending = null;
    }
    return entry;
  }
}
