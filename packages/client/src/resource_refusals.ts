import { bearerChallenge } from './bearer_challenge.js';
import { RequestRefusedError } from './errors.js';

/**
 * The refusals a resource server makes itself, in RFC 6750 §3 form. Refusals keygate
 * makes (a WSSE or legacy JWT it does not accept) are passed on as keygate sent them.
 */

/** Seconds a client is told to wait when keygate cannot be asked. */
const RETRY_AFTER_SECONDS = 5;

/** 401 without an error code in the challenge (§3.1): the request sent no credential. */
export function credentialRequired(): RequestRefusedError {
  return new RequestRefusedError({
    status: 401,
    error: 'authentication_required',
    description:
      'Send an X-WSSE UsernameToken header, an Authorization: Bearer access token or an X-Auth-Token legacy JWT.',
    wwwAuthenticate: bearerChallenge(),
  });
}

/** 400 `invalid_request`: the credential header itself is malformed. */
export function invalidRequest(description: string): RequestRefusedError {
  return new RequestRefusedError({
    status: 400,
    error: 'invalid_request',
    description,
    wwwAuthenticate: bearerChallenge({ error: 'invalid_request', error_description: description }),
  });
}

/** 401 `invalid_token`: the access token does not hold. */
export function invalidToken(description: string, cause?: unknown): RequestRefusedError {
  return new RequestRefusedError(
    {
      status: 401,
      error: 'invalid_token',
      description,
      wwwAuthenticate: bearerChallenge({ error: 'invalid_token', error_description: description }),
    },
    { cause },
  );
}

/** 403 `insufficient_scope`, naming every scope the request needs. */
export function insufficientScope(required: readonly string[]): RequestRefusedError {
  const scope = required.join(' ');
  const description = `This request needs the scopes: ${scope}.`;
  return new RequestRefusedError({
    status: 403,
    error: 'insufficient_scope',
    description,
    wwwAuthenticate: bearerChallenge({
      error: 'insufficient_scope',
      error_description: description,
      scope,
    }),
  });
}

/**
 * 503 `temporarily_unavailable` with `Retry-After` (keygate's own value when it sent one): a
 * request that keygate or its keys could not decide is never let through.
 */
export function keygateUnavailable(
  description: string,
  options: { readonly retryAfter?: number; readonly cause?: unknown } = {},
): RequestRefusedError {
  return new RequestRefusedError(
    {
      status: 503,
      error: 'temporarily_unavailable',
      description,
      retryAfter: options.retryAfter ?? RETRY_AFTER_SECONDS,
    },
    { cause: options.cause },
  );
}
