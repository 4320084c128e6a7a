import type { AuthContext } from './auth_context.js';
import { IssuerMismatchError } from './errors.js';
import {
  type AuthorizationServerMetadata,
  fetchAuthorizationServerMetadata,
} from './fetch_authorization_server_metadata.js';

/** Checks the `iss` of one authorization response (null: none); see {@link responseIssuerCheck}. */
export type ResponseIssuerCheck = (context: AuthContext, iss: string | null) => Promise<void>;

/**
 * The RFC 9207 §2.4 check of the `iss` in authorization responses, for one strategy. With a
 * configured `issuer`, `iss` must be present and equal to it (simple string comparison).
 * Without one, the expected issuer is the one the server publishes in its metadata, fetched
 * at the first response that needs it and kept (a failed fetch is not kept, so the next
 * response tries again): `iss` must equal it, and may be absent only when the metadata does
 * not announce `authorization_response_iss_parameter_supported` or does not exist. An `iss`
 * with no configured or published issuer to compare with is refused. (oauth4webapi's
 * `validateAuthResponse` applies the same two rules but needs an issuer where there may be
 * none, and tells an `iss` failure from its other checks only by message text.)
 *
 * @throws IssuerMismatchError when the response fails the check; the metadata request's
 *   errors (KeygateHttpError, InvalidResponseError) when it fails.
 */
export function responseIssuerCheck(configured: string | undefined): ResponseIssuerCheck {
  let cached: {
    readonly baseUrl: string;
    readonly metadata: Promise<AuthorizationServerMetadata | null>;
  } | null = null;

  function published(context: AuthContext): Promise<AuthorizationServerMetadata | null> {
    // Keyed by base URL: a strategy attached to another client must not trust the first
    // server's issuer.
    if (cached?.baseUrl === context.baseUrl) return cached.metadata;
    const entry = {
      baseUrl: context.baseUrl,
      metadata: fetchAuthorizationServerMetadata(context),
    };
    cached = entry;
    entry.metadata.catch(() => {
      if (cached === entry) cached = null;
    });
    return entry.metadata;
  }

  return async (context, iss) => {
    const received = iss ?? undefined;
    if (configured !== undefined) {
      if (received !== configured) throw new IssuerMismatchError(configured, received);
      return;
    }
    const metadata = await published(context);
    if (received === undefined) {
      if (metadata?.issParameterSupported) {
        throw new IssuerMismatchError(metadata.issuer, undefined);
      }
      return;
    }
    if (received !== metadata?.issuer) throw new IssuerMismatchError(metadata?.issuer, received);
  };
}
