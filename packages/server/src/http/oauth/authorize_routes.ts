import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { unixSeconds } from '../../core/clock.js';
import {
  type AuthorizeInteractionDeps,
  decideConsent,
  nextAuthorizeStep,
} from '../../core/oauth/authorize_interaction.js';
import { SignInPageError } from '../../core/oauth/sign_in_page_error.js';
import { startSignInSession } from '../../core/oauth/sign_in_session.js';
import type { Sealer } from '../../core/sealer.js';
import { renderConsentPage } from '../../web/consent_page.js';
import { renderLoginPage } from '../../web/login_page.js';
import { PAGE_STYLESHEET } from '../../web/page_layout.js';
import { AUTHORIZE_SCHEMAS } from './authorize_schemas.js';
import { csrfMatches, csrfToken } from './csrf_cookie.js';
import { setFlash, takeFlash } from './flash_cookie.js';
import { setPageHeaders } from './page_headers.js';
import { openAuthorizationQuery, sealAuthorizationQuery } from './sealed_authorization_query.js';
import { readSession, writeSession } from './session_cookie.js';

/** What the authorization pages need. */
export interface AuthorizeRouteDeps extends AuthorizeInteractionDeps {
  readonly sealer: Sealer;
  readonly sessionLifetimeSeconds: number;
  /** Mark cookies Secure (the issuer is https). */
  readonly secureCookies: boolean;
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
 * CSRF-protected, answering every POST with 303. What happens next is decided in core
 * (`core/oauth/authorize_interaction.ts`); these routes only read the cookies and the form
 * and write the page or the redirect.
 */
export function registerAuthorizeRoutes(app: FastifyInstance, deps: AuthorizeRouteDeps): void {
  const nowSeconds = () => unixSeconds(deps.now());
  const secure = deps.secureCookies;
  const page = (reply: FastifyReply, html: string) => setPageHeaders(reply).code(200).send(html);
  const redirect = (reply: FastifyReply, location: string, status: 302 | 303) =>
    reply.redirect(location, status);
  const session = (request: FastifyRequest) => readSession(request, deps.sealer, nowSeconds());

  const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = queryOf(request.url);
    const step = await nextAuthorizeStep(deps, queryRecord(query), session(request));
    switch (step.kind) {
      case 'redirect':
        return redirect(reply, step.location, 302);
      case 'login':
        return page(
          reply,
          renderLoginPage({
            clientName: step.client.name,
            csrfToken: csrfToken(request, reply, secure),
            sealedRequest: sealAuthorizationQuery(deps.sealer, query),
            failed: takeFlash(request, reply, secure) === LOGIN_FAILED,
          }),
        );
      case 'consent':
        return page(
          reply,
          renderConsentPage({
            clientName: step.client.name,
            userLogin: step.userLogin,
            scopes: step.scopes,
            organizations: step.organizations,
            csrfToken: csrfToken(request, reply, secure),
            sealedRequest: sealAuthorizationQuery(deps.sealer, query),
          }),
        );
    }
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
      const started = await startSignInSession(
        deps.store,
        form.username ?? '',
        form.password ?? '',
      );
      if (!started) {
        request.log.info({ event: 'login.failure' }, 'sign-in refused');
        setFlash(reply, LOGIN_FAILED, secure);
      } else {
        request.log.info({ event: 'login.success', userId: started.userId }, 'signed in');
        writeSession(
          reply,
          deps.sealer,
          { ...started, expiresAt: nowSeconds() + deps.sessionLifetimeSeconds },
          deps.sessionLifetimeSeconds,
          secure,
        );
      }
      return redirect(reply, `/oauth/authorize?${query}`, 303);
    },
  );

  app.post(
    '/oauth/consent',
    { schema: { body: AUTHORIZE_SCHEMAS.consentForm }, config: asPage },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const query = formQuery(request, form);
      const step = await decideConsent(
        deps,
        queryRecord(query),
        session(request),
        { approve: form.decision === 'approve', organizationId: form.organization_id },
        `/oauth/authorize?${query}`,
      );
      return redirect(reply, step.location, 303);
    },
  );
}
