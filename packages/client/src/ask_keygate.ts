import type { FetchLike } from './auth_context.js';
import { RequestRefusedError } from './errors.js';
import { parsePrincipal } from './parse_principal.js';
import { readResponse } from './read_response.js';
import type { ResourceAuthScheme, ResourcePrincipal } from './resource_principal.js';
import { keygateUnavailable } from './resource_refusals.js';

/** How to reach keygate's forward-auth endpoint. */
export interface KeygateVerifyEndpoint {
  /** `<issuer>/auth/verify`. */
  readonly url: string;
  /** A `fetch` that gives up after the configured timeout, answer body included. */
  readonly fetch: FetchLike;
}

/** keygate's `Retry-After` in seconds, unless it sent none or a date. */
function retryAfterOf(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  return value !== null && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}

/**
 * Asks keygate about a credential: `GET /auth/verify` with the credential's headers only.
 * Its 200 is the principal (which must be of `scheme`); a 4xx with keygate's JSON error is
 * passed on with its status, code, description, `WWW-Authenticate` and `Retry-After`.
 *
 * @throws RequestRefusedError with keygate's refusal, or 503 `temporarily_unavailable` when
 *   keygate is unreachable, too slow, answers 5xx, a redirect or anything it would not send.
 */
export async function askKeygate(
  endpoint: KeygateVerifyEndpoint,
  forward: Readonly<Record<string, string>>,
  scheme: ResourceAuthScheme,
): Promise<ResourcePrincipal> {
  let response: Response;
  let body: { json: unknown; isJson: boolean };
  try {
    response = await endpoint.fetch(endpoint.url, {
      method: 'GET',
      headers: { ...forward, accept: 'application/json' },
      redirect: 'manual',
    });
    body = await readResponse(response);
  } catch (error) {
    throw keygateUnavailable('keygate could not be reached.', { cause: error });
  }
  if (response.status === 200) {
    const principal = parsePrincipal(body.json);
    if (principal?.scheme === scheme) return principal;
    throw keygateUnavailable('keygate answered with a body that is not a principal.');
  }
  if (response.status === 503) {
    const retryAfter = retryAfterOf(response);
    throw keygateUnavailable('keygate is temporarily unavailable.', {
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }
  const refusal = body.json as { error?: unknown; error_description?: unknown } | undefined;
  if (
    response.status < 400 ||
    response.status > 499 ||
    typeof refusal?.error !== 'string' ||
    refusal.error === ''
  ) {
    throw keygateUnavailable(`keygate answered ${response.status} without its error body.`);
  }
  const wwwAuthenticate = response.headers.get('www-authenticate');
  const retryAfter = retryAfterOf(response);
  throw new RequestRefusedError({
    status: response.status,
    error: refusal.error,
    description:
      typeof refusal.error_description === 'string' ? refusal.error_description : refusal.error,
    ...(wwwAuthenticate === null ? {} : { wwwAuthenticate }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}
