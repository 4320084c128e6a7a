import { KeygateError } from '../errors.js';

/**
 * The closed set of refusals the sign-in and consent pages show instead of redirecting
 * anywhere (O-2, O-4):
 * - `invalid_authorization_request` (400): the client or redirect URI cannot be trusted;
 * - `form_rejected` (403): the form's CSRF token is missing or wrong;
 * - `form_expired` (400): the sealed authorization request in the form no longer opens;
 * - `no_organization` (403): the signed-in user is in no active organization;
 * - `organization_required` (400): the consent form named none of the user's organizations.
 */
export type SignInPageErrorCode =
  | 'invalid_authorization_request'
  | 'form_rejected'
  | 'form_expired'
  | 'no_organization'
  | 'organization_required';

/** The HTTP status of each sign-in page refusal. */
export const SIGN_IN_PAGE_ERROR_STATUS: Readonly<Record<SignInPageErrorCode, number>> = {
  invalid_authorization_request: 400,
  form_rejected: 403,
  form_expired: 400,
  no_organization: 403,
  organization_required: 400,
};

/** A refusal shown to the person in the browser as an error page (never a redirect). */
export class SignInPageError extends KeygateError<SignInPageErrorCode> {
  override readonly name = 'SignInPageError';
  constructor(code: SignInPageErrorCode, description: string) {
    super(code, description, { status: SIGN_IN_PAGE_ERROR_STATUS[code] });
  }
}
