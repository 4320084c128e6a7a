import type { AuthContext } from './auth_context.js';

/**
 * How a {@link KeygateClient} authenticates requests: a small object per scheme (C-2..C-5),
 * in the spirit of oauth4webapi's client authentication strategies.
 *
 * For every request the client asks {@link AuthStrategy.headers} for the headers to send. If
 * the server answers 401 and the strategy has {@link AuthStrategy.unauthorized}, the client
 * calls it with the headers that were refused; when it returns true the request is sent once
 * more with fresh headers, never more than once.
 */
export interface AuthStrategy {
  /** Short name of the scheme, e.g. `wsse`, `api_keys`. */
  readonly kind: string;
  /** Called once by `createKeygateClient`, for strategies that need the context outside requests. */
  attach?(context: AuthContext): void;
  /** Headers that authenticate one request. May run a grant or a refresh first. */
  headers(context: AuthContext): Promise<Record<string, string>>;
  /**
   * The server refused `sent` with 401: drop what it refused (re-run a grant, refresh) and
   * say whether a retry can succeed.
   */
  unauthorized?(context: AuthContext, sent: Readonly<Record<string, string>>): Promise<boolean>;
}
