import type { FastifyReply } from 'fastify';
import type { Challenge, KeygateError } from '../../core/errors.js';
import type { SignInPageErrorCode } from '../../core/oauth/sign_in_page_error.js';
import { renderErrorPage } from '../../web/error_page.js';
import { setPageHeaders } from '../oauth/page_headers.js';

/**
 * How a route answers errors:
 * - `json`: keygate's JSON body `{"error", "error_description"}`, which is also the RFC 6749
 *   §5.2 shape (the OAuth endpoints, the WSSE-, Bearer- and legacy-JWT-protected routes, the
 *   legacy token endpoints and everything else);
 * - `page`: an HTML error page for the person in the browser (O-2, O-4);
 * - `nginx`: the `json` answer shaped for nginx `auth_request`, which passes on only 401 and
 *   403 and turns any other status into an opaque 500. Any other status is sent as 401 with
 *   the real one in `X-Keygate-Status`; the code goes in `X-Keygate-Error` and there is no
 *   body (nginx would drop it, and close the connection); the challenges go in one
 *   `WWW-Authenticate` line (nginx copies only the first). The nginx configuration answers
 *   the client with the real status (R-2).
 */
export type ErrorScheme = 'json' | 'page' | 'nginx';

/** The statuses nginx `auth_request` passes on as they are. */
const NGINX_PASSED_STATUSES: ReadonlySet<number> = new Set([401, 403]);

const PAGE_TITLES: Readonly<Record<SignInPageErrorCode, string>> = {
  invalid_authorization_request: 'This sign-in link is not valid',
  form_rejected: 'Form expired',
  form_expired: 'Form expired',
  no_organization: 'No organization',
  organization_required: 'Choose an organization',
};

function pageTitle(error: KeygateError): string {
  const title = (PAGE_TITLES as Readonly<Record<string, string>>)[error.code];
  if (title !== undefined) return title;
  if (error.status === 503) return 'Try again shortly';
  return error.status >= 500 ? 'Something went wrong' : 'This request is not valid';
}

/** A quoted-string (RFC 9110 §5.6.4): quotes and backslashes escaped. */
function quoted(value: string): string {
  return `"${value.replaceAll(/["\\]/g, (c) => `\\${c}`)}"`;
}

function challengeHeader(challenge: Challenge, realm: string): string {
  const params = Object.entries(challenge.params ?? {}).map(([k, v]) => `, ${k}=${quoted(v)}`);
  return `${challenge.scheme} realm=${quoted(realm)}${params.join('')}`;
}

/**
 * Writes `error` (already exposed: see `exposeError`) as the wire answer of `scheme`: its
 * status, `WWW-Authenticate` challenges with `realm`, `Retry-After` and the scheme's body
 * (never cached: `installNoStoreByDefault`). The one place any error body is formatted.
 */
export function writeError(
  reply: FastifyReply,
  error: KeygateError,
  scheme: ErrorScheme,
  realm: string,
): FastifyReply {
  reply.code(error.status);
  if (error.challenges.length > 0) {
    const challenges = error.challenges.map((challenge) => challengeHeader(challenge, realm));
    // Several challenges in one field are as valid as several fields (RFC 9110 §11.6.1).
    if (scheme === 'nginx') reply.header('www-authenticate', challenges.join(', '));
    else reply.header('www-authenticate', challenges.length === 1 ? challenges[0] : challenges);
  }
  if (scheme === 'nginx') {
    reply.header('x-keygate-error', error.code);
    if (!NGINX_PASSED_STATUSES.has(error.status)) {
      reply.code(401).header('x-keygate-status', String(error.status));
    }
  }
  if (error.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(error.retryAfterSeconds));
  }
  if (scheme === 'page') {
    return setPageHeaders(reply).send(renderErrorPage(pageTitle(error), error.description));
  }
  // nginx never reads an auth_request answer's body, and closes the connection when there
  // is one: an empty body keeps it for the next check.
  if (scheme === 'nginx') return reply.send();
  return reply
    .type('application/json')
    .send({ error: error.code, error_description: error.description });
}
