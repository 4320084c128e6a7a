import type { OAuthClientRecord, Store } from '../../store/port.js';
import { listActiveOrganizations } from '../list_active_organizations.js';
import { issueAuthorizationCode } from './issue_authorization_code.js';
import { redirectWithParams } from './redirect_with_params.js';
import { SignInPageError } from './sign_in_page_error.js';
import { findSessionUser, type SignInSession } from './sign_in_session.js';
import {
  type AuthorizationRequest,
  validateAuthorizationRequest,
} from './validate_authorization_request.js';

/** What the authorization interaction needs. */
export interface AuthorizeInteractionDeps {
  readonly store: Store;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly codeLifetimeSeconds: number;
  /** Sent as `iss` with every authorization response (RFC 9207). */
  readonly issuer: string;
}

/** An organization the user may act in, as the consent page offers it. */
export interface OrganizationChoice {
  readonly id: string;
  readonly name: string;
}

/**
 * The next step of an authorization request (O-2, O-3, O-4):
 * - `login`: nobody usable is signed in; show the sign-in form;
 * - `consent`: ask the signed-in user to approve the client in one of their organizations;
 * - `redirect`: send the browser to `location`, the client's redirect URI with a code or
 *   an error (or, after a consent whose session has ended, back to the authorization URL).
 * A request that cannot be trusted to redirect anywhere throws a {@link SignInPageError}.
 */
export type AuthorizeStep =
  | { readonly kind: 'login'; readonly client: OAuthClientRecord }
  | {
      readonly kind: 'consent';
      readonly client: OAuthClientRecord;
      readonly userLogin: string;
      readonly scopes: readonly string[];
      readonly organizations: readonly OrganizationChoice[];
    }
  | { readonly kind: 'redirect'; readonly location: string };

/** The step that sends the browser on: every end of the interaction but the pages. */
export type RedirectStep = Extract<AuthorizeStep, { readonly kind: 'redirect' }>;

type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The validated request, or the step that ends the interaction early. */
async function validated(
  deps: AuthorizeInteractionDeps,
  query: Query,
): Promise<
  | {
      readonly ok: true;
      readonly request: AuthorizationRequest;
      readonly client: OAuthClientRecord;
    }
  | { readonly ok: false; readonly step: RedirectStep }
> {
  const validation = await validateAuthorizationRequest(deps.store, query);
  if (validation.kind === 'error_page') {
    throw new SignInPageError('invalid_authorization_request', validation.description);
  }
  if (validation.kind === 'redirect_error') {
    const location = redirectWithParams(validation.redirectUri, {
      error: validation.error,
      error_description: validation.description,
      state: validation.state,
      iss: deps.issuer,
    });
    return { ok: false, step: { kind: 'redirect', location } };
  }
  return { ok: true, request: validation.request, client: validation.client };
}

async function activeOrganizations(store: Store, userId: string): Promise<OrganizationChoice[]> {
  const organizations = await listActiveOrganizations(store, userId);
  return organizations.map((o) => ({ id: o.id, name: o.name }));
}

function codeRedirect(
  deps: AuthorizeInteractionDeps,
  request: AuthorizationRequest,
  userId: string,
  organizationId: string,
): Promise<string> {
  return issueAuthorizationCode(deps, request, { userId, organizationId });
}

/**
 * Where a `GET /oauth/authorize` goes next, for the browser signed in as `session`. A user in
 * no active organization is refused (`no_organization`); a client registered to skip consent
 * gets a code for the user's first organization at once.
 */
export async function nextAuthorizeStep(
  deps: AuthorizeInteractionDeps,
  query: Query,
  session: SignInSession | null,
): Promise<AuthorizeStep> {
  const checked = await validated(deps, query);
  if (!checked.ok) return checked.step;
  const { request, client } = checked;
  const user = await findSessionUser(deps.store, session);
  if (!user) return { kind: 'login', client };
  const organizations = await activeOrganizations(deps.store, user.id);
  const first = organizations[0];
  if (!first) {
    throw new SignInPageError('no_organization', 'Your account is not in an active organization.');
  }
  if (client.skipConsent) {
    return { kind: 'redirect', location: await codeRedirect(deps, request, user.id, first.id) };
  }
  return {
    kind: 'consent',
    client,
    userLogin: user.login,
    scopes: request.scope === '' ? [] : request.scope.split(' '),
    organizations,
  };
}

/** What the user answered on the consent page. */
export interface ConsentDecision {
  readonly approve: boolean;
  /** The organization the user chose to act in. */
  readonly organizationId: string | undefined;
}

/**
 * Where a consent form post goes (O-4): the request is validated again (the client or its
 * redirect URIs may have changed since the page was shown); a session that has ended sends
 * the browser back to sign in (`authorizeUrl`); a refusal redirects `access_denied`; an
 * approval must name one of the user's active organizations (`organization_required`
 * otherwise) and redirects with a code.
 */
export async function decideConsent(
  deps: AuthorizeInteractionDeps,
  query: Query,
  session: SignInSession | null,
  decision: ConsentDecision,
  authorizeUrl: string,
): Promise<RedirectStep> {
  const checked = await validated(deps, query);
  if (!checked.ok) return checked.step;
  const { request } = checked;
  const user = await findSessionUser(deps.store, session);
  if (!user) return { kind: 'redirect', location: authorizeUrl };
  if (!decision.approve) {
    const location = redirectWithParams(request.redirectUri, {
      error: 'access_denied',
      error_description: 'the user denied the request',
      state: request.state,
      iss: deps.issuer,
    });
    return { kind: 'redirect', location };
  }
  const organizations = await activeOrganizations(deps.store, user.id);
  const chosen = organizations.find((o) => o.id === decision.organizationId);
  if (!chosen) {
    throw new SignInPageError('organization_required', 'Pick one of your organizations.');
  }
  return { kind: 'redirect', location: await codeRedirect(deps, request, user.id, chosen.id) };
}
