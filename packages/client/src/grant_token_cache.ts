import type { AuthContext } from './auth_context.js';
import { SingleFlight } from './single_flight.js';
import { accessTokenStale, type TokenSet } from './token_set.js';

/**
 * Keeps the access token of a grant that clients simply repeat (`api_keys`,
 * `client_credentials`: no refresh token, O-8): the grant runs when there is no token, when
 * the token is within 5 s of expiry (C-3), or after the server refused it; concurrent callers
 * share one grant.
 */
export class GrantTokenCache {
  readonly #runGrant: (context: AuthContext) => Promise<TokenSet>;
  readonly #flight = new SingleFlight<TokenSet>();
  #current: TokenSet | null = null;

  constructor(runGrant: (context: AuthContext) => Promise<TokenSet>) {
    this.#runGrant = runGrant;
  }

  /** A usable access token, running the grant first when needed. */
  async accessToken(context: AuthContext): Promise<string> {
    const current = this.#current;
    if (current && !accessTokenStale(current, context.now())) return current.accessToken;
    const fresh = await this.#flight.run(async () => {
      // A caller that saw a stale token may start a flight after another one finished.
      const latest = this.#current;
      if (latest && !accessTokenStale(latest, context.now())) return latest;
      const tokens = await this.#runGrant(context);
      this.#current = tokens;
      return tokens;
    });
    return fresh.accessToken;
  }

  /** Forgets `refused` if it is still the cached token, so the next call runs the grant. */
  invalidate(refused: string | undefined): void {
    if (this.#current && this.#current.accessToken === refused) this.#current = null;
  }

  /** The cached tokens, if any (for the CLI and tests). */
  get current(): TokenSet | null {
    return this.#current;
  }
}

/** The token of an `Authorization: Bearer` header value, if it is one. */
export function bearerTokenOf(headers: Readonly<Record<string, string>>): string | undefined {
  const match = /^Bearer (.+)$/.exec(headers.authorization ?? '');
  return match?.[1];
}
