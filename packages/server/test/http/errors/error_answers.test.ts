import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ERROR_STATUS, AdminError } from '../../../src/core/admin/admin_errors.js';
import {
  AuthenticationError,
  type AuthenticationErrorCode,
  WSSE_CHALLENGE,
} from '../../../src/core/authentication_error.js';
import { type KeygateError, ServerError } from '../../../src/core/errors.js';
import { LEGACY_ERROR_STATUS, LegacyError } from '../../../src/core/legacy/legacy_error.js';
import { OAUTH_ERROR_STATUS, OAuthError } from '../../../src/core/oauth/oauth_error.js';
import {
  SIGN_IN_PAGE_ERROR_STATUS,
  SignInPageError,
} from '../../../src/core/oauth/sign_in_page_error.js';
import { SigningKeyError } from '../../../src/core/signing_keys/signing_key_error.js';
import { installErrorHandler } from '../../../src/http/errors/install_error_handler.js';
import { RequestError } from '../../../src/http/errors/request_error.js';
import type { ErrorScheme } from '../../../src/http/errors/write_error.js';
import { installNoStoreByDefault } from '../../../src/http/no_store_by_default.js';
import { StoreUnavailableError } from '../../../src/store/port.js';

/**
 * Every code of every error family, thrown by a route of each scheme, answered by the one
 * error handler: status, body and headers. The code tables are the families' own, so a code
 * added to a family is covered here without editing this file.
 */
const REALM = 'keygate "test"';

// Every authentication code; `Record` makes the compiler insist on all of them.
const AUTHENTICATION_CODES = {
  malformed_header: true,
  created_malformed: true,
  created_in_future: true,
  expired: true,
  nonce_replayed: true,
  invalid_credentials: true,
  credential_disabled: true,
  invalid_token: true,
  authentication_required: true,
  wsse_required: true,
} satisfies Record<AuthenticationErrorCode, true>;

interface Case {
  readonly label: string;
  readonly thrown: () => unknown;
  readonly status: number;
  readonly code: string;
  /** The description sent; null when it must be the generic one of `code`. */
  readonly description: string;
  readonly challenge?: string;
  readonly retryAfter?: string;
}

const keys = <K extends string>(table: Readonly<Record<K, unknown>>) => Object.keys(table) as K[];

const CASES: Case[] = [
  ...keys(OAUTH_ERROR_STATUS).map(
    (code): Case => ({
      label: `OAuthError ${code}`,
      thrown: () => new OAuthError(code, `oauth ${code}`),
      status: OAUTH_ERROR_STATUS[code],
      code,
      description: `oauth ${code}`,
      challenge: code === 'invalid_client' ? 'Basic realm="keygate \\"test\\""' : undefined,
    }),
  ),
  {
    label: 'OAuthError invalid_client sent as 400 (a malformed Basic header)',
    thrown: () => new OAuthError('invalid_client', 'bad basic', 400),
    status: 400,
    code: 'invalid_client',
    description: 'bad basic',
  },
  ...keys(LEGACY_ERROR_STATUS).map(
    (code): Case => ({
      label: `LegacyError ${code}`,
      thrown: () => new LegacyError(code, `legacy ${code}`),
      status: LEGACY_ERROR_STATUS[code],
      code,
      description: `legacy ${code}`,
      challenge: LEGACY_ERROR_STATUS[code] === 401 ? 'JWT realm="keygate \\"test\\""' : undefined,
    }),
  ),
  ...keys(ADMIN_ERROR_STATUS).map(
    (code): Case => ({
      label: `AdminError ${code}`,
      thrown: () => new AdminError(code, `admin ${code}`),
      status: ADMIN_ERROR_STATUS[code],
      code,
      description: `admin ${code}`,
    }),
  ),
  ...keys(SIGN_IN_PAGE_ERROR_STATUS).map(
    (code): Case => ({
      label: `SignInPageError ${code}`,
      thrown: () => new SignInPageError(code, `page ${code}`),
      status: SIGN_IN_PAGE_ERROR_STATUS[code],
      code,
      description: `page ${code}`,
    }),
  ),
  ...keys(AUTHENTICATION_CODES).map(
    (code): Case => ({
      label: `AuthenticationError ${code}`,
      thrown: () => new AuthenticationError(code, `auth ${code}`, [WSSE_CHALLENGE]),
      status: 401,
      code,
      description: `auth ${code}`,
      challenge: 'WSSE realm="keygate \\"test\\"", profile="UsernameToken"',
    }),
  ),
  {
    label: 'AuthenticationError with a Bearer error challenge',
    thrown: () =>
      new AuthenticationError('invalid_token', 'The access token has been revoked.', [
        {
          scheme: 'Bearer',
          params: {
            error: 'invalid_token',
            error_description: 'The access token has been revoked.',
          },
        },
      ]),
    status: 401,
    code: 'invalid_token',
    description: 'The access token has been revoked.',
    challenge:
      'Bearer realm="keygate \\"test\\"", error="invalid_token", error_description="The access token has been revoked."',
  },
  {
    label: 'RequestError invalid_request',
    thrown: () => new RequestError('The body is too large.', 413),
    status: 413,
    code: 'invalid_request',
    description: 'The body is too large.',
  },
  {
    label: 'RequestError not_found',
    thrown: () => new RequestError('nothing here', 404, 'not_found'),
    status: 404,
    code: 'not_found',
    description: 'nothing here',
  },
  {
    label: 'ServerError server_error',
    thrown: () => new ServerError('server_error'),
    status: 500,
    code: 'server_error',
    description: 'Internal server error.',
  },
  {
    label: 'ServerError temporarily_unavailable',
    thrown: () => new ServerError('temporarily_unavailable'),
    status: 503,
    code: 'temporarily_unavailable',
    description: 'The credential store is unavailable; retry shortly.',
    retryAfter: '5',
  },
  {
    label: 'a store outage',
    thrown: () => new StoreUnavailableError('connect ECONNREFUSED 127.0.0.1:5432'),
    status: 503,
    code: 'temporarily_unavailable',
    description: 'The credential store is unavailable; retry shortly.',
    retryAfter: '5',
  },
  {
    label: 'a SigningKeyError (not exposed)',
    thrown: () => new SigningKeyError('no_signing_key', 'no key kid-secret-looking can sign'),
    status: 500,
    code: 'server_error',
    description: 'Internal server error.',
  },
  {
    label: 'any other error (not exposed)',
    thrown: () => new Error('SELECT secret FROM users failed'),
    status: 500,
    code: 'server_error',
    description: 'Internal server error.',
  },
];

const SCHEMES: readonly ErrorScheme[] = ['json', 'page', 'nginx'];

let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify();
  installNoStoreByDefault(app);
  installErrorHandler(app, REALM);
  for (const scheme of SCHEMES) {
    app.get<{ Params: { index: string } }>(
      `/${scheme}/:index`,
      { config: { errorScheme: scheme } },
      async (request) => {
        throw CASES[Number(request.params.index)]?.thrown();
      },
    );
    app.post(
      `/${scheme}/validated`,
      {
        config: { errorScheme: scheme },
        schema: {
          body: {
            type: 'object',
            required: ['token'],
            properties: { token: { type: 'string', maxLength: 4 } },
          },
        },
      },
      async () => ({}),
    );
  }
  app.get('/nginx-every-challenge', { config: { errorScheme: 'nginx' } }, async () => {
    throw new AuthenticationError('authentication_required', 'Send a credential.', [
      { scheme: 'WSSE', params: { profile: 'UsernameToken' } },
      { scheme: 'Bearer' },
    ]);
  });
  await app.ready();
});
afterAll(() => app.close());

function escapeHtml(text: string): string {
  return text.replaceAll('"', '&quot;');
}

describe.each(['json', 'page'] as const)('scheme %s', (scheme) => {
  it.each(CASES.map((c, index) => [c.label, c, index] as const))('%s', async (_label, c, index) => {
    const response = await app.inject({ method: 'GET', url: `/${scheme}/${index}` });
    expect(response.statusCode).toBe(c.status);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
    expect(response.headers['www-authenticate']).toBe(c.challenge);
    expect(response.headers['retry-after']).toBe(c.retryAfter);
    // Nothing of an unexposed error's own message reaches the wire.
    expect(response.body).not.toMatch(/SELECT|kid-secret|ECONNREFUSED/);
    if (scheme === 'page') {
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.body).toContain(escapeHtml(c.description));
      expect(response.body).toMatch(/<h1>[^<]+<\/h1>/);
      return;
    }
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ error: c.code, error_description: c.description });
  });

  it('a schema failure is invalid_request naming the field, without quoting the request', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/${scheme}/validated`,
      payload: { token: 'ey-much-too-long' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('ey-much-too-long');
    expect(response.body).toContain('token must be at most 4 characters long.');
    if (scheme !== 'page') expect(response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('scheme nginx (auth_request passes on only 401 and 403)', () => {
  it.each(CASES.map((c, index) => [c.label, c, index] as const))('%s', async (_label, c, index) => {
    const response = await app.inject({ method: 'GET', url: `/nginx/${index}` });
    const passed = c.status === 401 || c.status === 403;
    expect(response.statusCode).toBe(passed ? c.status : 401);
    expect(response.headers['x-keygate-status']).toBe(passed ? undefined : String(c.status));
    expect(response.headers['x-keygate-error']).toBe(c.code);
    expect(response.headers['www-authenticate']).toBe(c.challenge);
    expect(response.headers['retry-after']).toBe(c.retryAfter);
    expect(response.headers['cache-control']).toBe('no-store');
    // No body: nginx would not read it, and would close the connection for it.
    expect(response.body).toBe('');
  });

  it('sends several challenges as one WWW-Authenticate line (nginx copies only one)', async () => {
    const response = await app.inject({ method: 'GET', url: '/nginx-every-challenge' });
    expect(response.headers['www-authenticate']).toBe(
      'WSSE realm="keygate \\"test\\"", profile="UsernameToken", Bearer realm="keygate \\"test\\""',
    );
  });
});

it('the page scheme titles each sign-in refusal', async () => {
  const titles = new Map<string, string>();
  for (const [index, c] of CASES.entries()) {
    if (!c.label.startsWith('SignInPageError')) continue;
    const response = await app.inject({ method: 'GET', url: `/page/${index}` });
    titles.set(c.code, /<h1>([^<]+)<\/h1>/.exec(response.body)?.[1] ?? '');
  }
  expect(Object.fromEntries(titles)).toEqual({
    invalid_authorization_request: 'This sign-in link is not valid',
    form_rejected: 'Form expired',
    form_expired: 'Form expired',
    no_organization: 'No organization',
    organization_required: 'Choose an organization',
  });
});

it('errors are KeygateErrors carrying status, code and expose', () => {
  const error: KeygateError = new OAuthError('invalid_grant', 'x');
  expect([error.status, error.code, error.expose]).toEqual([400, 'invalid_grant', true]);
  expect(new SigningKeyError('key_unavailable', 'x').expose).toBe(false);
});
