import type { OAuthClientRecord } from '../../store/port.js';
import { OAuthError } from './oauth_error.js';

/** Token endpoint parameters after client authentication: single string values only. */
export type TokenParams = Readonly<Record<string, string>>;

/** A required parameter, or `invalid_request` naming it. */
export function requireParam(params: TokenParams, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') {
    throw new OAuthError('invalid_request', `the ${name} parameter is required`);
  }
  return value;
}

/** `unauthorized_client` unless the client was registered for this grant. */
export function requireGrantAllowed(client: OAuthClientRecord, grant: string): void {
  if (!client.grantTypes.includes(grant as never)) {
    throw new OAuthError('unauthorized_client', `this client may not use the ${grant} grant`);
  }
}
