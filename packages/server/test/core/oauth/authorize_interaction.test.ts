import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrganization,
  setOrganizationDisabled,
} from '../../../src/core/admin/organizations.js';
import { addUserToOrganization } from '../../../src/core/admin/users.js';
import {
  type AuthorizeInteractionDeps,
  decideConsent,
  nextAuthorizeStep,
} from '../../../src/core/oauth/authorize_interaction.js';
import { SignInPageError } from '../../../src/core/oauth/sign_in_page_error.js';
import { type SignInSession, startSignInSession } from '../../../src/core/oauth/sign_in_session.js';
import { setUserPassword } from '../../../src/core/passwords/set_user_password.js';
import {
  authorizeUrl,
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../../support/start_test_server.js';

/**
 * The authorization interaction decided in core (O-2, O-3, O-4): which step comes next, and
 * where a consent goes, for each kind of session and request.
 */
let server: TestServer;
let deps: AuthorizeInteractionDeps;
let user: TestUser;
let client: TestClient;
let session: SignInSession;

function query(testClient: TestClient, extra: Record<string, string> = {}) {
  const url = new URL(authorizeUrl(server, testClient, extra).url);
  return { record: Object.fromEntries(url.searchParams), url: `/oauth/authorize${url.search}` };
}

async function signIn(login: string, password: string): Promise<SignInSession> {
  const started = await startSignInSession(server.store, login, password);
  if (!started) throw new Error(`sign-in as ${login} failed`);
  return started;
}

async function pageError(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignInPageError);
  return (error as SignInPageError).code;
}

beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  deps = {
    store: server.store,
    now: server.clock.now,
    codeLifetimeSeconds: 60,
    issuer: server.config.issuer,
  };
  user = await createPasswordUser(server);
  client = await createClient(server);
  session = await signIn(user.login, user.password);
});
afterAll(() => server.close());

describe('nextAuthorizeStep', () => {
  it('asks for a sign-in when no session is presented', async () => {
    const step = await nextAuthorizeStep(deps, query(client).record, null);
    expect(step).toMatchObject({ kind: 'login', client: { clientId: client.clientId } });
  });

  it('asks the signed-in user for consent in their organizations', async () => {
    const step = await nextAuthorizeStep(deps, query(client).record, session);
    expect(step).toMatchObject({
      kind: 'consent',
      userLogin: user.login,
      scopes: ['documents:read'],
      organizations: [{ name: user.organization }],
    });
  });

  it('redirects straight to the client with a code when it skips consent', async () => {
    const trusted = await createClient(server, { skipConsent: true });
    const step = await nextAuthorizeStep(deps, query(trusted).record, session);
    expect(step.kind).toBe('redirect');
    const location = new URL((step as { location: string }).location);
    expect(location.origin + location.pathname).toBe(trusted.redirectUri);
    expect(location.searchParams.get('code')).toMatch(/.{20,}/);
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('iss')).toBe(server.config.issuer);
  });

  it('redirects a bad request to a trusted redirect URI with the error', async () => {
    const step = await nextAuthorizeStep(
      deps,
      query(client, { response_type: 'token' }).record,
      null,
    );
    const location = new URL((step as { location: string }).location);
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    expect(location.searchParams.get('state')).toBe('st-123');
  });

  it('shows an error page for an unregistered client, never a redirect', async () => {
    const code = await pageError(
      nextAuthorizeStep(deps, { ...query(client).record, client_id: 'nobody' }, session),
    );
    expect(code).toBe('invalid_authorization_request');
  });

  it('refuses a user in no active organization', async () => {
    const loner = await createPasswordUser(server, 'loner', 'solo');
    const lonerSession = await signIn(loner.login, loner.password);
    await setOrganizationDisabled(server, 'solo', true);
    const code = await pageError(nextAuthorizeStep(deps, query(client).record, lonerSession));
    expect(code).toBe('no_organization');
  });

  it('asks for a sign-in again once a password change ended the session', async () => {
    const dave = await createPasswordUser(server, 'dave');
    const daveSession = await signIn(dave.login, dave.password);
    await setUserPassword(server, dave.login, 'another correct horse battery');
    const step = await nextAuthorizeStep(deps, query(client).record, daveSession);
    expect(step.kind).toBe('login');
  });
});

describe('decideConsent', () => {
  it('redirects with a code for an approval in one of the user organizations', async () => {
    const organization = await server.store.organizations.findByName(user.organization);
    const { record, url } = query(client);
    const step = await decideConsent(
      deps,
      record,
      session,
      { approve: true, organizationId: organization?.id },
      url,
    );
    expect(new URL(step.location).searchParams.get('code')).toMatch(/.{20,}/);
  });

  it('refuses an approval naming an organization the user is not in', async () => {
    const other = await createOrganization(server, 'elsewhere');
    const { record, url } = query(client);
    const code = await pageError(
      decideConsent(deps, record, session, { approve: true, organizationId: other.id }, url),
    );
    expect(code).toBe('organization_required');
    await addUserToOrganization(server, user.login, 'elsewhere');
    const step = await decideConsent(
      deps,
      record,
      session,
      { approve: true, organizationId: other.id },
      url,
    );
    expect(new URL(step.location).searchParams.has('code')).toBe(true);
  });

  it('redirects access_denied with state and iss when the user declines', async () => {
    const { record, url } = query(client);
    const step = await decideConsent(
      deps,
      record,
      session,
      { approve: false, organizationId: undefined },
      url,
    );
    const location = new URL(step.location);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('iss')).toBe(server.config.issuer);
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('sends a browser whose session ended back to the authorization URL', async () => {
    const { record, url } = query(client);
    const step = await decideConsent(
      deps,
      record,
      null,
      { approve: true, organizationId: undefined },
      url,
    );
    expect(step.location).toBe(url);
  });
});

describe('startSignInSession', () => {
  it('answers null for a wrong password and for an unknown login', async () => {
    expect(await startSignInSession(server.store, user.login, 'wrong password!')).toBeNull();
    expect(await startSignInSession(server.store, 'nobody', user.password)).toBeNull();
  });
});
