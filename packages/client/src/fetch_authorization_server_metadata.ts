import { type AuthContext, resolveUrl } from './auth_context.js';
import { InvalidResponseError, KeygateHttpError } from './errors.js';
import { fetchJson } from './fetch_json.js';

/** What the SDK uses of an RFC 8414 authorization server metadata document. */
export interface AuthorizationServerMetadata {
  /** The server's issuer identifier. */
  readonly issuer: string;
  /** `authorization_response_iss_parameter_supported` (RFC 9207 §3): false when absent. */
  readonly issParameterSupported: boolean;
}

/** Where keygate publishes its metadata, under the client's base URL (O-12). */
const METADATA_PATH = '/.well-known/oauth-authorization-server';

/**
 * GETs the metadata document under `context.baseUrl` (a fixed path, and redirects are not
 * followed, so the request never leaves baseUrl's origin). Not oauth4webapi's discovery:
 * that puts the well-known segment before a base URL's path (RFC 8414 §3.1) where keygate
 * serves it after, and wants the issuer in advance, which is what the document tells here.
 *
 * @returns The metadata, or null when the server publishes none (404).
 * @throws KeygateHttpError for a redirect or any other non-2xx answer; InvalidResponseError
 *   when the document is not a JSON object with a string `issuer`.
 */
export async function fetchAuthorizationServerMetadata(
  context: AuthContext,
): Promise<AuthorizationServerMetadata | null> {
  let document: Record<string, unknown>;
  try {
    document = await fetchJson(context.fetch, {
      method: 'GET',
      url: resolveUrl(context.baseUrl, METADATA_PATH),
      what: 'the authorization server metadata',
    });
  } catch (error) {
    if (error instanceof KeygateHttpError && error.status === 404) return null;
    throw error;
  }
  if (typeof document.issuer !== 'string' || document.issuer.length === 0) {
    throw new InvalidResponseError('the authorization server metadata names no issuer');
  }
  return {
    issuer: document.issuer,
    issParameterSupported: document.authorization_response_iss_parameter_supported === true,
  };
}
