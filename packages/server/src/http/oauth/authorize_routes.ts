import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listActiveOrganizations } from '../../core/list_active_organizations.js';
import type { Sealer } from '../../core/oauth/grant_deps.js';
import { issueAuthorizationCode } from '../../core/oauth/issue_authorization_code.js';
import { redirectWithParams } from '../../core/oauth/redirect_with_params.js';
import { SignInPageError } from '../../core/oauth/sign_in_page_error.js';
import {
  type AuthorizationValidation,
  validateAuthorizationRequest,
} from '../../core/oauth/validate_authorization_request.js';
import { signInWithPassword } from '../../core/passwords/sign_in_with_password.js';
import type { Store, UserRecord } from '../../store/port.js';
import { renderConsentPage } from '../../web/consent_page.js';
import { renderLoginPage } from '../../web/login_page.js';
import { PAGE_STYLESHEET } from '../../web/page_layout.js';
import { AUTHORIZE_SCHEMAS } from './authorize_schemas.js';
import {
  csrfMatches,
  csrfToken,
  openAuthorizationQuery,
  readSession,
  sealAuthorizationQuery,
  setFlash,
  takeFlash,
  writeSession,
} from './browser_cookies.js';
import { setPageHeaders } from './page_headers.js';

/** What the authorization pages need. */
export interface AuthorizeRouteDeps {
  readonly store: Store;
  readonly sealer: Sealer;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly codeLifetimeSeconds: number;
  readonly sessionLifetimeSeconds: number;
  /** Mark cookies Secure (the issuer is https). */
  readonly secureCookies: boolean;
  /** Sent as `iss` with every authorization response (RFC 9207). */
  readonly issuer: string;
}

type Form = Record<string, string | undefined>;
const LOGIN_FAILED = 'login_failed';

function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}

function queryRecord(query: string): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    const existing = record[name];
    record[name] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return record;
}

/**
 * `GET /oauth/authorize` (and `/authorize`), `POST /oauth/login`, `POST /oauth/consent` (O-2,
 * O-3, O-4): sign-in and consent as server-rendered forms that work without JavaScript,
 * CSRF-protected, answering every POST with 303.
 */
export function registerAuthorizeRoutes(app: FastifyInstance, deps: AuthorizeRouteDeps): void {
  const nowSeconds = () => Math.floor(deps.now() / 1000);

  const page = (reply: FastifyReply, status: number, html: string) =>
    setPageHeaders(reply).code(status).send(html);

  /**
   * The user the session cookie signs in: none when the cookie is missing, tampered or
   * expired, the user is gone or disabled, or the user's sessions were ended since the sign-in
   * (a password change or a disablement moved the session generation on, R-3).
   */
  async function sessionUser(request: FastifyRequest): Promise<UserRecord | null> {
    const session = readSession(request, deps.sealer, nowSeconds());
    if (!session) return null;
    const [user, generation] = await Promise.all([
      deps.store.users.findById(session.userId),
      deps.store.users.findSessionGeneration(session.userId),
    ]);
    if (!user || user.disabledAt !== null || generation !== session.generation) return null;
    return user;
  }

  /**
   * The session generation to seal for `user`, just signed in: null when the password changed
   * while it was being checked, so a sign-in with the old password racing a password change
   * cannot pick up the generation the change moved on to.
   */
  async function generationToSeal(user: UserRecord): Promise<number | null> {
    const generation = await deps.store.users.findSessionGeneration(user.id);
    const current = await deps.store.users.findById(user.id);
    return generation !== null && current?.passwordHash === user.passwordHash ? generation : null;
  }

  async function activeOrganizations(userId: string) {
    const organizations = await listActiveOrganizations(deps.store, userId);
    return organizations.map((o) => ({ id: o.id, name: o.name }));
  }

  async function continueAuthorization(
    request: FastifyRequest,
    reply: FastifyReply,
    query: string,
    validation: Extract<AuthorizationValidation, { kind: 'ok' }>,
  ) {
    const user = await sessionUser(request);
    const secure = deps.secureCookies;
    if (!user) {
      const failed = takeFlash(request, reply, secure) === LOGIN_FAILED;
      return page(
        reply,
        200,
        renderLoginPage({
          clientName: validation.client.name,
          csrfToken: csrfToken(request, reply, secure),
          sealedRequest: sealAuthorizationQuery(deps.sealer, query),
          failed,
        }),
      );
    }
    const organizations = await activeOrganizations(user.id);
    const first = organizations[0];
    if (!first) {
      throw new SignInPageError(
        'no_organization',
        'Your account is not in an active organization.',
      );
    }
    if (validation.client.skipConsent) {
      return reply
        .header('cache-control', 'no-store')
        .redirect(await issue(validation, user.id, first.id), 303);
    }
    return page(
      reply,
      200,
      renderConsentPage({
        clientName: validation.client.name,
        userLogin: user.login,
        scopes: validation.request.scope === '' ? [] : validation.request.scope.split(' '),
        organizations,
        csrfToken: csrfToken(request, reply, secure),
        sealedRequest: sealAuthorizationQuery(deps.sealer, query),
      }),
    );
  }

  function issue(
    validation: Extract<AuthorizationValidation, { kind: 'ok' }>,
    userId: string,
    organizationId: string,
  ) {
    return issueAuthorizationCode(
      {
        store: deps.store,
        now: deps.now,
        codeLifetimeSeconds: deps.codeLifetimeSeconds,
        issuer: deps.issuer,
      },
      validation.request,
      { userId, organizationId },
    );
  }

  async function validated(reply: FastifyReply, query: string, method: 'GET' | 'POST') {
    const validation = await validateAuthorizationRequest(deps.store, queryRecord(query));
    if (validation.kind === 'error_page') {
      throw new SignInPageError('invalid_authorization_request', validation.description);
    }
    if (validation.kind === 'redirect_error') {
      await reply.header('cache-control', 'no-store').redirect(
        redirectWithParams(validation.redirectUri, {
          error: validation.error,
          error_description: validation.description,
          state: validation.state,
          iss: deps.issuer,
        }),
        method === 'GET' ? 302 : 303,
      );
      return null;
    }
    return validation;
  }

  const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = queryOf(request.url);
    const validation = await validated(reply, query, 'GET');
    if (!validation) return reply;
    return continueAuthorization(request, reply, query, validation);
  };
  const asPage = { errorScheme: 'page' as const };
  const authorizeOptions = {
    schema: { querystring: AUTHORIZE_SCHEMAS.authorizeQuery },
    config: asPage,
  };
  app.get('/oauth/authorize', authorizeOptions, authorize);
  app.get('/authorize', authorizeOptions, authorize);

  app.get('/oauth/assets/keygate.css', async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .type('text/css; charset=utf-8')
      .send(PAGE_STYLESHEET),
  );

  /** The authorization query sealed in a form that passes the CSRF check. */
  const formQuery = (request: FastifyRequest, form: Form): string => {
    if (!csrfMatches(request, form.csrf_token)) {
      throw new SignInPageError(
        'form_rejected',
        'This form is no longer valid (its security token is missing or wrong). Go back and try again.',
      );
    }
    const query = openAuthorizationQuery(deps.sealer, form.request);
    if (query === null) throw new SignInPageError('form_expired', 'Start signing in again.');
    return query;
  };

  app.post(
    '/oauth/login',
    { schema: { body: AUTHORIZE_SCHEMAS.loginForm }, config: asPage },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const query = formQuery(request, form);
      const user = await signInWithPassword(deps.store, form.username ?? '', form.password ?? '');
      const generation = user && (await generationToSeal(user));
      if (!user || generation === null) {
        request.log.info({ event: 'login.failure' }, 'sign-in refused');
        setFlash(reply, LOGIN_FAILED, deps.secureCookies);
      } else {
        request.log.info({ event: 'login.success', userId: user.id }, 'signed in');
        writeSession(
          reply,
          deps.sealer,
          {
            userId: user.id,
            generation,
            expiresAt: nowSeconds() + deps.sessionLifetimeSeconds,
          },
          deps.sessionLifetimeSeconds,
          deps.secureCookies,
        );
      }
      return reply.header('cache-control', 'no-store').redirect(`/oauth/authorize?${query}`, 303);
    },
  );

  app.post(
    '/oauth/consent',
    { schema: { body: AUTHORIZE_SCHEMAS.consentForm }, config: asPage },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const query = formQuery(request, form);
      const validation = await validated(reply, query, 'POST');
      if (!validation) return reply;
      const user = await sessionUser(request);
      if (!user) {
        return reply.redirect(`/oauth/authorize?${query}`, 303);
      }
      const back = (params: Record<string, string | null>) =>
        reply
          .header('cache-control', 'no-store')
          .redirect(redirectWithParams(validation.request.redirectUri, params), 303);
      if (form.decision !== 'approve') {
        return back({
          error: 'access_denied',
          error_description: 'the user denied the request',
          state: validation.request.state,
          iss: deps.issuer,
        });
      }
      const organizations = await activeOrganizations(user.id);
      const chosen = organizations.find((o) => o.id === form.organization_id);
      if (!chosen) {
        throw new SignInPageError('organization_required', 'Pick one of your organizations.');
      }
      return reply
        .header('cache-control', 'no-store')
        .redirect(await issue(validation, user.id, chosen.id), 303);
    },
  );
}
