import { type AuthContext, resolveUrl } from './auth_context.js';
import { InvalidResponseError, KeygateHttpError } from './errors.js';
import { readResponse, requireJsonObject } from './read_response.js';

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
 * GETs the metadata document under `context.baseUrl` (a fixed path, so the request never
 * leaves baseUrl's origin).
 *
 * @returns The metadata, or null when the server publishes none (404).
 * @throws KeygateHttpError for any other non-2xx answer; InvalidResponseError when the
 *   document is not a JSON object with a string `issuer`.
 */
export async function fetchAuthorizationServerMetadata(
  context: AuthContext,
): Promise<AuthorizationServerMetadata | null> {
  const url = resolveUrl(context.baseUrl, METADATA_PATH);
  const response = await context.fetch(url, { headers: { accept: 'application/json' } });
  const read = await readResponse(response);
  if (response.status === 404) return null;
  if (!response.ok) throw new KeygateHttpError('GET', url, response.status, read.text);
  const document = requireJsonObject(read, 'the authorization server metadata');
  if (typeof document.issuer !== 'string' || document.issuer.length === 0) {
    throw new InvalidResponseError('the authorization server metadata names no issuer');
  }
  return {
    issuer: document.issuer,
    issParameterSupported: document.authorization_response_iss_parameter_supported === true,
  };
}
