import { type AuthContext, type FetchLike, resolveUrl } from './auth_context.js';
import type { AuthStrategy } from './auth_strategy.js';
import { InvalidResponseError, KeygateHttpError } from './errors.js';
import { readResponse } from './read_response.js';
import { isRedirect, refuseRedirect } from './redirect_response.js';

/** Options for {@link createKeygateClient}. */
export interface KeygateClientOptions {
  /** The keygate (or protected API) origin, e.g. `https://auth.example.com`. */
  readonly baseUrl: string;
  /** How requests authenticate: `wsse(…)`, `apiKeys(…)`, `authorizationCode(…)` … */
  readonly auth: AuthStrategy;
  /** Default: the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Clock in epoch milliseconds; default `Date.now`. Tests freeze it. */
  readonly now?: () => number;
  /**
   * Further origins the client may send credentials to: the protected APIs that sit on
   * another host than keygate, e.g. `['https://api.example.com']`. Each is an http(s) origin
   * (scheme, host and port, nothing after them) and must match exactly: a look-alike host,
   * another scheme or another port is refused. Requests to them take absolute URLs; paths
   * resolve against `baseUrl`. Default: none, only `baseUrl`'s origin.
   */
  readonly apiOrigins?: readonly string[];
}

/** The exact origins a client may send credentials to; TypeError for anything else given. */
function allowedOrigins(baseUrl: string, apiOrigins: readonly string[] = []): ReadonlySet<string> {
  if (!Array.isArray(apiOrigins)) {
    throw new TypeError('createKeygateClient: apiOrigins must be an array of origins');
  }
  const origins = new Set([new URL(baseUrl).origin]);
  for (const entry of apiOrigins) {
    let url: URL | null = null;
    try {
      url = typeof entry === 'string' ? new URL(entry) : null;
    } catch {
      url = null;
    }
    const bare =
      url !== null &&
      /^https?:$/.test(url.protocol) &&
      url.username === '' &&
      url.password === '' &&
      url.pathname === '/' &&
      url.search === '' &&
      url.hash === '' &&
      !/[/?#]$/.test(entry);
    if (!url || !bare) {
      throw new TypeError(
        `createKeygateClient: apiOrigins entry ${JSON.stringify(String(entry))} is not an http(s) origin such as https://api.example.com`,
      );
    }
    origins.add(url.origin);
  }
  return origins;
}

/**
 * Per-request options: `fetch`'s, with `body` limited to what can be sent twice, and without
 * `redirect`: the client never follows redirects (see {@link KeygateClient.request}).
 */
export interface KeygateRequestInit extends Omit<RequestInit, 'method' | 'body' | 'redirect'> {
  /** A string or bytes (replayable for the single retry after a 401), or a JSON value via `json`. */
  readonly body?: string | Uint8Array<ArrayBuffer> | URLSearchParams;
  /** Sent as `application/json` unless `body` is given. */
  readonly json?: unknown;
}

/** An authenticated HTTP client for keygate-protected APIs. */
export interface KeygateClient {
  readonly baseUrl: string;
  readonly auth: AuthStrategy;
  /** The context strategies work with (base URL, fetch, clock). */
  readonly context: AuthContext;
  /**
   * Sends an authenticated request and returns the 2xx (or redirect) response. On 401 the
   * strategy gets one chance to renew its credentials and the request is sent once more.
   *
   * Redirects are never followed (`redirect: 'manual'`): a 3xx answer is returned unchanged,
   * in browsers as the opaque redirect `fetch` makes of it (`type` `opaqueredirect`, status
   * 0). Following it would send the credentials, and a 307/308's body, to wherever the
   * `Location` points; a caller that trusts the target makes that request itself.
   *
   * @param path - A path under `baseUrl` (`/api/v1/me`) or an absolute URL on the origin of
   *   `baseUrl` or of an `apiOrigins` entry; any other origin is refused with a TypeError, so
   *   credentials are never sent to a host taken from, say, a link in a response.
   * @returns The 2xx or redirect response.
   * @throws KeygateHttpError for any other non-2xx final answer; the strategy's errors
   *   (OAuthError, SessionExpiredError) when it cannot produce credentials.
   */
  request(method: string, path: string, init?: KeygateRequestInit): Promise<Response>;
  /**
   * {@link KeygateClient.request} and the answer parsed as JSON (`undefined` for an empty body).
   *
   * @throws KeygateHttpError for a redirect as for any non-2xx answer; InvalidResponseError
   *   when the 2xx body is not JSON.
   */
  json<T = unknown>(method: string, path: string, init?: KeygateRequestInit): Promise<T>;
}

/**
 * Creates a fetch-based client (C-1): no server code, runs on Node ≥ 20 and in browsers.
 *
 * ```ts
 * const client = createKeygateClient({ baseUrl, auth: wsse({ key, secret }) });
 * const me = await client.json('GET', '/api/v1/me');
 * ```
 */
export function createKeygateClient(options: KeygateClientOptions): KeygateClient {
  if (typeof options?.baseUrl !== 'string' || !/^https?:\/\//i.test(options.baseUrl)) {
    throw new TypeError('createKeygateClient: baseUrl must be an http(s) URL');
  }
  if (!options.auth || typeof options.auth.headers !== 'function') {
    throw new TypeError('createKeygateClient: auth must be an auth strategy');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchImpl !== 'function') {
    throw new TypeError('createKeygateClient: no fetch available; pass options.fetch');
  }
  const origins = allowedOrigins(options.baseUrl, options.apiOrigins);
  const context: AuthContext = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: fetchImpl,
    now: options.now ?? Date.now,
  };
  const { auth } = options;
  auth.attach?.(context);

  async function send(
    method: string,
    url: string,
    init: KeygateRequestInit,
    authHeaders: Record<string, string>,
  ): Promise<Response> {
    const { json, body, headers, ...rest } = init;
    const merged = new Headers(headers);
    for (const [name, value] of Object.entries(authHeaders)) merged.set(name, value);
    let payload: BodyInit | undefined = body;
    if (payload === undefined && json !== undefined) {
      payload = JSON.stringify(json);
      if (!merged.has('content-type')) merged.set('content-type', 'application/json');
    }
    return context.fetch(url, {
      ...rest,
      method,
      headers: merged,
      ...(payload !== undefined ? { body: payload } : {}),
      redirect: 'manual',
    });
  }

  async function request(
    method: string,
    path: string,
    init: KeygateRequestInit = {},
  ): Promise<Response> {
    const verb = method.toUpperCase();
    const url = resolveUrl(context.baseUrl, path);
    if (!origins.has(new URL(url).origin)) {
      throw new TypeError(
        'request: the URL is not on the origin of baseUrl or an apiOrigins entry',
      );
    }
    let sent = await auth.headers(context);
    let response = await send(verb, url, init, sent);
    if (response.status === 401 && auth.unauthorized && (await auth.unauthorized(context, sent))) {
      await response.body?.cancel();
      sent = await auth.headers(context);
      response = await send(verb, url, init, sent);
    }
    if (!response.ok && !isRedirect(response)) {
      const read = await readResponse(response);
      throw new KeygateHttpError(verb, url, response.status, read.text);
    }
    return response;
  }

  return {
    baseUrl: context.baseUrl,
    auth,
    context,
    request,
    async json<T>(method: string, path: string, init?: KeygateRequestInit): Promise<T> {
      const verb = method.toUpperCase();
      const response = await request(verb, path, init);
      if (isRedirect(response))
        return refuseRedirect(verb, resolveUrl(context.baseUrl, path), response);
      const read = await readResponse(response);
      if (read.text === '') return undefined as T;
      if (!read.isJson) {
        throw new InvalidResponseError(`${verb} ${path.split(/[?#]/)[0]} did not answer with JSON`);
      }
      return read.json as T;
    },
  };
}
