import { generateRandomState } from 'oauth4webapi';
import { type AuthContext, resolveUrl } from '../auth_context.js';
import type { AuthStrategy } from '../auth_strategy.js';
import {
  type ClientAuthentication,
  defaultClientAuthentication,
} from '../client_authentication.js';
import {
  InvalidResponseError,
  OAuthError,
  SessionExpiredError,
  StateMismatchError,
} from '../errors.js';
import { bearerTokenOf } from '../grant_token_cache.js';
import { generatePkce } from '../pkce.js';
import { requestToken } from '../request_token.js';
import { requireNonEmptyString } from '../require_non_empty_string.js';
import { responseIssuerCheck } from '../response_issuer_check.js';
import { SingleFlight } from '../single_flight.js';
import {
  accessTokenStale,
  refreshTokenExpired,
  type TokenSet,
  tokenSetFromResponse,
} from '../token_set.js';
import type { TokenStorage } from '../token_storage.js';

/** Options for {@link authorizationCode}. */
export interface AuthorizationCodeOptions {
  readonly clientId: string;
  /** Omit for a public client (browser, CLI): PKCE alone protects the code. */
  readonly clientSecret?: string;
  readonly clientAuthentication?: ClientAuthentication;
  /** Exactly as registered (O-2). */
  readonly redirectUri: string;
  /** Space-separated scopes. */
  readonly scope: string;
  /** Where tokens and the pending authorization live (memory, file, sessionStorage …). */
  readonly storage: TokenStorage;
  /** Authorize path; default `/oauth/authorize`. */
  readonly authorizePath?: string;
  /**
   * The server's issuer identifier (keygate's `issuer`, its public base URL). When set, every
   * redirect must carry an `iss` exactly equal to it (RFC 9207 §2.4, no normalization). When
   * omitted, `iss` is compared with the `issuer` of the server's metadata
   * (`<baseUrl>/.well-known/oauth-authorization-server`, fetched once per strategy), and a
   * redirect without `iss` is accepted only when that metadata does not announce
   * `authorization_response_iss_parameter_supported`.
   */
  readonly issuer?: string;
}

/** The authorization code strategy: an {@link AuthStrategy} plus the sign-in steps. */
export interface AuthorizationCodeAuth extends AuthStrategy {
  /**
   * Starts a sign-in: makes a fresh `state` and PKCE S256 pair, stores them as the pending
   * authorization, and returns the URL to send the user's browser to.
   */
  authorizationUrl(extraParams?: Readonly<Record<string, string>>): Promise<string>;
  /**
   * Finishes a sign-in with the URL the server redirected to: checks `state` against the
   * pending authorization, then `iss` against the expected issuer (RFC 9207, see
   * {@link AuthorizationCodeOptions.issuer}), exchanges the code with the PKCE verifier and
   * stores the tokens. Either check failing ends the pending authorization: sign in again.
   *
   * @throws StateMismatchError for a foreign or repeated redirect; IssuerMismatchError when
   *   `iss` names another issuer or is missing where required (also for an error redirect);
   *   OAuthError when the redirect carries `error` or the exchange is refused.
   */
  handleRedirect(url: string | URL): Promise<TokenSet>;
  /** The stored tokens, or null when not signed in. */
  tokens(): Promise<TokenSet | null>;
  /** Forgets the stored tokens and any pending authorization. */
  signOut(): Promise<void>;
}

interface PendingAuthorization {
  readonly state: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
}

const TOKENS = 'tokens';
const PENDING = 'pending';

/** Compares two strings without an early exit on the first differing character. */
function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * The authorization code flow with PKCE S256 and `state` (O-3, C-4). Tokens persist through a
 * {@link TokenStorage}. Before each request the access token is checked against the clock;
 * a stale one is refreshed with the refresh token, once for all concurrent callers (single
 * flight), and a 401 forces one refresh and one retry. When the refresh token is expired too,
 * or the server refuses it (`invalid_grant`), the stored tokens are dropped and
 * {@link SessionExpiredError} is thrown without further requests: sign in again.
 */
export function authorizationCode(options: AuthorizationCodeOptions): AuthorizationCodeAuth {
  for (const field of ['clientId', 'redirectUri', 'scope'] as const) {
    requireNonEmptyString(options?.[field], `authorizationCode: ${field}`);
  }
  if (options.issuer !== undefined) {
    requireNonEmptyString(options.issuer, 'authorizationCode: issuer (when given)');
  }
  const storage = options.storage;
  if (!storage || typeof storage.get !== 'function' || typeof storage.set !== 'function') {
    throw new TypeError('authorizationCode: storage must be a TokenStorage');
  }
  const clientAuthentication =
    options.clientAuthentication ?? defaultClientAuthentication(options.clientSecret);
  const refreshFlight = new SingleFlight<TokenSet>();
  const checkIssuer = responseIssuerCheck(options.issuer);
  let attached: AuthContext | null = null;

  function context(): AuthContext {
    if (!attached) {
      throw new TypeError(
        'authorizationCode: pass the strategy to createKeygateClient before signing in',
      );
    }
    return attached;
  }

  async function loadJson<T>(name: string): Promise<T | null> {
    const text = await storage.get(name);
    if (typeof text !== 'string') return null;
    try {
      return JSON.parse(text) as T;
    } catch {
      return null;
    }
  }

  async function saveTokens(tokens: TokenSet): Promise<void> {
    await storage.set(TOKENS, JSON.stringify(tokens));
  }

  async function expire(cause?: unknown): Promise<never> {
    await storage.delete(TOKENS);
    throw new SessionExpiredError(
      'Session expired, sign in again.',
      cause === undefined ? undefined : { cause },
    );
  }

  /**
   * Refreshes unless another caller already replaced `stale` (the token this caller judged
   * stale or saw refused): everyone arriving meanwhile joins the same refresh.
   */
  function refresh(ctx: AuthContext, stale: string): Promise<TokenSet> {
    return refreshFlight.run(async () => {
      const current = await loadJson<TokenSet>(TOKENS);
      if (!current) return expire();
      if (current.accessToken !== stale && !accessTokenStale(current, ctx.now())) return current;
      if (refreshTokenExpired(current, ctx.now()) || current.refreshToken === undefined) {
        return expire();
      }
      let response: Awaited<ReturnType<typeof requestToken>>;
      try {
        response = await requestToken(ctx, {
          clientId: options.clientId,
          clientAuthentication,
          params: { grant_type: 'refresh_token', refresh_token: current.refreshToken },
        });
      } catch (error) {
        if (error instanceof OAuthError && error.error === 'invalid_grant') return expire(error);
        throw error;
      }
      const tokens = tokenSetFromResponse(response, ctx.now());
      // A server that issues no new refresh token lets the old one live on.
      const merged: TokenSet =
        tokens.refreshToken === undefined && current.refreshToken !== undefined
          ? {
              ...tokens,
              refreshToken: current.refreshToken,
              ...(current.refreshTokenExpiresAt !== undefined
                ? { refreshTokenExpiresAt: current.refreshTokenExpiresAt }
                : {}),
            }
          : tokens;
      await saveTokens(merged);
      return merged;
    });
  }

  return {
    kind: 'authorization_code',
    attach(ctx) {
      attached = ctx;
    },

    async authorizationUrl(extraParams = {}) {
      const ctx = context();
      const pkce = await generatePkce();
      const pending: PendingAuthorization = {
        state: generateRandomState(),
        codeVerifier: pkce.codeVerifier,
        redirectUri: options.redirectUri,
      };
      await storage.set(PENDING, JSON.stringify(pending));
      const url = new URL(resolveUrl(ctx.baseUrl, options.authorizePath ?? '/oauth/authorize'));
      const params = {
        ...extraParams,
        response_type: 'code',
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        scope: options.scope,
        state: pending.state,
        code_challenge: pkce.codeChallenge,
        code_challenge_method: pkce.codeChallengeMethod,
      };
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      return url.toString();
    },

    async handleRedirect(redirect) {
      const ctx = context();
      const url = new URL(String(redirect));
      const pending = await loadJson<PendingAuthorization>(PENDING);
      const state = url.searchParams.get('state');
      if (!pending || state === null || !sameString(state, pending.state)) {
        throw new StateMismatchError();
      }
      // The pending authorization is single use: a replayed redirect finds nothing.
      await storage.delete(PENDING);
      // Before anything else in the redirect is believed, its `error` included (mix-up attack).
      await checkIssuer(ctx, url.searchParams.get('iss'));
      const error = url.searchParams.get('error');
      if (error !== null) {
        throw new OAuthError(error, url.searchParams.get('error_description') ?? undefined, 0);
      }
      const code = url.searchParams.get('code');
      if (code === null || code.length === 0) {
        throw new InvalidResponseError('the redirect carries neither code nor error');
      }
      const response = await requestToken(ctx, {
        clientId: options.clientId,
        clientAuthentication,
        params: {
          grant_type: 'authorization_code',
          code,
          redirect_uri: pending.redirectUri,
          code_verifier: pending.codeVerifier,
        },
      });
      const tokens = tokenSetFromResponse(response, ctx.now());
      await saveTokens(tokens);
      return tokens;
    },

    async headers(ctx) {
      const current = await loadJson<TokenSet>(TOKENS);
      if (!current) throw new SessionExpiredError('Not signed in: start an authorization first.');
      const usable = accessTokenStale(current, ctx.now())
        ? await refresh(ctx, current.accessToken)
        : current;
      return { authorization: `Bearer ${usable.accessToken}` };
    },

    async unauthorized(ctx, sent) {
      const refused = bearerTokenOf(sent);
      if (refused === undefined) return false;
      await refresh(ctx, refused);
      return true;
    },

    async tokens() {
      return loadJson<TokenSet>(TOKENS);
    },

    async signOut() {
      await storage.delete(TOKENS);
      await storage.delete(PENDING);
    },
  };
}
