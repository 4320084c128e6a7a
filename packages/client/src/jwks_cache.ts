import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type JWTVerifyGetKey,
  type RemoteJWKSet,
} from 'jose';
import type { FetchLike } from './auth_context.js';
import { TokenInvalidError } from './errors.js';

/** Options for {@link JwksCache}. */
export interface JwksCacheOptions {
  /**
   * How long a fetched key set is used before it is fetched again; default 300 s. Measured
   * with the platform clock (`Date.now`), not with a `now` given to `verifyAccessToken`.
   */
  readonly maxAgeSeconds?: number;
  /**
   * An unknown `kid` refetches the set (a rotation may have published a new key), but not more
   * often than this; default 30 s. Stops forged `kid`s from turning into a request flood.
   */
  readonly cooldownSeconds?: number;
}

/** One URL's remote key set and the `fetch` its next refetch goes through. */
interface Entry {
  readonly keys: RemoteJWKSet;
  fetch: FetchLike;
}

/**
 * JSON Web Key Sets by URL, for {@link verifyAccessToken}: one jose `createRemoteJWKSet` per
 * URL, which fetches the set once, reuses it for `maxAgeSeconds` and refetches it early (at
 * most every `cooldownSeconds`) when a token names an unknown `kid`; jose imports each key
 * into WebCrypto once. Requests go through the caller's `fetch` with `redirect: 'manual'`
 * (a redirect is not followed), and keys come only from the configured URL, never from a
 * token.
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
   * The key resolver for the set at `url`, to pass to jose's `jwtVerify`. `fetch` is used for
   * any fetch or refetch the resolver makes from now on (the set itself is shared by every
   * caller of this URL).
   *
   * The resolver throws TokenInvalidError (`jwks_unavailable`) when the set cannot be fetched
   * or used (network error, 5 s timeout, a status other than 200 such as a redirect, not a
   * JWKS); a `kid` the set lacks is jose's `JWKSNoMatchingKey`, as jose throws it.
   */
  keySet(url: string, fetch: FetchLike): JWTVerifyGetKey {
    let entry = this.#entries.get(url);
    if (!entry) {
      const created: Entry = {
        fetch,
        keys: createRemoteJWKSet(new URL(url), {
          cacheMaxAge: this.#maxAgeMs,
          cooldownDuration: this.#cooldownMs,
          [customFetch]: (input, init) => created.fetch(input, init),
        }),
      };
      entry = created;
      this.#entries.set(url, entry);
    }
    entry.fetch = fetch;
    const { keys } = entry;
    return async (header, token) => {
      try {
        return await keys(header, token);
      } catch (error) {
        // No key for this token (after the bounded refetch), or more than one: the token's fault.
        if (
          error instanceof errors.JWKSNoMatchingKey ||
          error instanceof errors.JWKSMultipleMatchingKeys
        ) {
          throw error;
        }
        throw new TokenInvalidError(
          'jwks_unavailable',
          `the JWKS at ${url} could not be fetched (${(error as Error).message})`,
          { cause: error },
        );
      }
    };
  }
}
