import { KeygateHttpError } from './errors.js';

/**
 * True for an answer that redirects, which the SDK never follows (every fetch it makes uses
 * `redirect: 'manual'`): a 3xx status, or in browsers the `opaqueredirect` response with
 * status 0 that `redirect: 'manual'` gives instead.
 */
export function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/**
 * Discards a redirect's body and refuses it. Following it would send the request's
 * credentials (X-WSSE, X-Auth-Token, a Basic header) to the redirect's target, another origin
 * perhaps, and on 307/308 the POSTed secrets too.
 *
 * @throws KeygateHttpError always, with the redirect's status (0 for an opaque redirect).
 */
export async function refuseRedirect(
  method: string,
  url: string,
  response: Response,
): Promise<never> {
  await response.body?.cancel();
  throw new KeygateHttpError(
    method,
    url,
    response.status,
    '',
    'the SDK refuses to follow redirects with credentials',
  );
}
