import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LEGACY_TOKEN_SCHEMAS } from '../../src/http/legacy/legacy_token_schemas.js';
import { AUTHORIZE_SCHEMAS } from '../../src/http/oauth/authorize_schemas.js';
import { TOKEN_ENDPOINT_SCHEMAS } from '../../src/http/oauth/token_endpoint_schemas.js';
import { FormBrowser, hiddenFields } from '../support/form_browser.js';
import { authorizeUrl, createClient, createPasswordUser } from '../support/oauth_fixtures.js';
import { registeredRoutes } from '../support/registered_routes.js';
import { seedCredential, startTestServer, type TestServer } from '../support/start_test_server.js';

/**
 * Issue 11, class 2: arbitrary input at every registered route (the list comes from the app
 * itself, so a new route cannot be forgotten) never gets a 5xx and never takes the app down.
 * Bodies: JSON with wrong types, nesting, arrays, repeated keys and huge strings; forms with
 * repeated fields; invalid UTF-8; wrong content types. Query strings with repeats and bad
 * escapes. Headers: malformed credentials of every scheme. Sign-in and consent forms are also
 * sent with a valid CSRF envelope, and token endpoint bodies with a real client's
 * credentials, so the fields behind the CSRF check and client authentication are reached too.
 */
let server: TestServer;
let routes: { method: string; url: string }[];
const pool: string[] = [];
const envelopes: { cookie: string; fields: Record<string, string> }[] = [];
let authorizeQuery = '';

const FIELD_NAMES = [
  ...Object.keys(TOKEN_ENDPOINT_SCHEMAS.token.body.properties),
  ...Object.keys(TOKEN_ENDPOINT_SCHEMAS.tokenManagement.body.properties),
  ...Object.keys(AUTHORIZE_SCHEMAS.authorizeQuery.properties),
  ...Object.keys(AUTHORIZE_SCHEMAS.loginForm.properties),
  ...Object.keys(AUTHORIZE_SCHEMAS.consentForm.properties),
  ...Object.keys(LEGACY_TOKEN_SCHEMAS.password.properties),
  ...Object.keys(LEGACY_TOKEN_SCHEMAS.refresh.properties),
  '__proto__',
  'constructor',
  'a[b]',
  '',
];

beforeAll(async () => {
  // Behind a proxy, so X-Forwarded-For is read too.
  server = await startTestServer({ store: 'sqlite', config: { trustProxy: true } });
  routes = registeredRoutes(server.app);
  const user = await createPasswordUser(server);
  const client = await createClient(server, {
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'api_keys'],
  });
  const credential = await seedCredential(server, 'dave');
  envelopes.push({
    cookie: '',
    fields: { client_id: client.clientId, client_secret: client.clientSecret ?? '' },
  });
  pool.push(
    client.clientId,
    client.clientSecret ?? '',
    client.redirectUri,
    user.login,
    user.password,
    credential.key,
    'authorization_code',
    'refresh_token',
    'client_credentials',
    'api_keys',
    'code',
    'S256',
    'plain',
    'approve',
    'documents:read',
    new Date(server.clock.now()).toISOString(),
    'x'.repeat(70_000),
    '%ZZ',
    '%C3%28',
    '\u0000',
    '\ud800',
  );
  // A browser on the sign-in page, and one signed in (on the consent page).
  const browser = new FormBrowser();
  const { url } = authorizeUrl(server, client);
  authorizeQuery = new URL(url).search.slice(1);
  const login = await browser.get(url);
  envelopes.push({ cookie: browser.cookieHeader(), fields: hiddenFields(login.body) });
  const signedIn = await browser.post(`${server.url}/oauth/login`, {
    ...hiddenFields(login.body),
    username: user.login,
    password: user.password,
  });
  const consent = await browser.get(signedIn.location ?? '');
  expect(consent.body).toContain('action="/oauth/consent"');
  envelopes.push({ cookie: browser.cookieHeader(), fields: hiddenFields(consent.body) });
});
afterAll(() => server.close());

const text = () =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(...pool),
    fc.nat({ max: 5000 }).map((n) => 'a'.repeat(n)),
  );
const fieldName = () => fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 12 }));
const form = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();
/** A JSON object written by hand, so keys can repeat. */
const jsonWithRepeats = (pairs: [string, unknown][]) =>
  `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;

/** `arbitrary` one time in ten, null otherwise. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 9 }, { arbitrary, weight: 1 });

/** Arbitrary requests; built once the pool of real values is known. */
function requestArbitrary() {
  const jsonValue = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      text(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fieldName(), tie('value'), { maxKeys: 4 }),
    ),
  })).value;
  const fields = () => fc.array(fc.tuple(fieldName(), text()), { maxLength: 10 });

  const body = fc.oneof(
    fc.record({ type: fc.constant('application/json'), payload: jsonValue.map(JSON.stringify) }),
    fc.record({
      type: fc.constant('application/json'),
      payload: fc.array(fc.tuple(fieldName(), jsonValue), { maxLength: 8 }).map(jsonWithRepeats),
    }),
    fc.record({
      type: fc.constant('application/x-www-form-urlencoded'),
      payload: fields().map(form),
    }),
    fc.record({
      type: fc.constantFrom(
        'application/json',
        'application/x-www-form-urlencoded',
        'text/plain',
        'application/json; charset=utf-16',
        'multipart/form-data; boundary=x',
        'application/xml',
        '',
        ';;;',
      ),
      payload: fc.oneof(
        fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
        fc.constant(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])),
        fc.nat({ max: 40_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
        fc.string({ maxLength: 200 }),
      ),
    }),
    fc.constant(null),
  );

  const query = fc.oneof(
    fields().map(form),
    fc.string({ maxLength: 60 }),
    fc.constantFrom('a=1&a=2&a=3', 'state[]=x', '%', '%%%', 'a=%ff', '&&&=&=', '?'),
  );

  const headers = fc.record(
    {
      authorization: fc.oneof(
        fc.string({ maxLength: 100 }),
        text().map((t) => `Basic ${Buffer.from(t).toString('base64')}`),
        fc
          .tuple(text(), text())
          .map(([a, b]) => `Basic ${Buffer.from(`${a}:${b}`).toString('base64')}`),
        text().map((t) => `Bearer ${t}`),
        text().map((t) => `JWT ${t}`),
        fc.constantFrom('Basic', 'Basic !!!', 'Bearer', 'JWT', 'Basic Og=='),
      ),
      'x-wsse': fc.oneof(
        fc.string({ maxLength: 100 }),
        fc
          .tuple(text(), text(), text(), text())
          .map(
            ([u, d, n, c]) =>
              `UsernameToken Username="${u}", PasswordDigest="${d}", Nonce="${n}", Created="${c}"`,
          ),
      ),
      'x-auth-token': text(),
      'x-forwarded-for': fc.oneof(fc.string({ maxLength: 60 }), fc.ipV4(), fc.ipV6()),
      host: fc.oneof(fc.string({ maxLength: 60 }), fc.domain()),
      cookie: fc.oneof(
        fc.string({ maxLength: 100 }),
        text()
          .map((t) => encodeURIComponent(t.toWellFormed()))
          .map((t) => `kg_session=${t}; kg_csrf=${t}`),
      ),
    },
    { requiredKeys: [] },
  );

  return fc.record({
    route: fc.nat(),
    otherMethod: rarely(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH')),
    query: fc.option(query),
    headers,
    body,
    envelope: fc.option(
      fc.tuple(
        fc.nat(),
        fc.boolean(),
        fc.array(fc.tuple(fieldName(), jsonValue), { maxLength: 4 }),
      ),
      { freq: 2 },
    ),
  });
}

it('no input at any route gets a 5xx', { timeout: 120_000 }, async () => {
  expect(routes.length).toBeGreaterThanOrEqual(17);
  expect(routes).toContainEqual({ method: 'GET', url: '/oauth/token/jwks' });
  for (const route of routes) expect(server.app.hasRoute(route), route.url).toBe(true);

  const seen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(requestArbitrary(), async (sample) => {
      const route = routes[sample.route % routes.length];
      if (!route) throw new Error('no routes');
      seen.add(`${route.method} ${route.url}`);
      const method = sample.otherMethod ?? route.method;
      const sent: Record<string, string> = { ...sample.headers };
      let payload: string | Buffer | undefined = sample.body?.payload;
      if (sample.body?.type) sent['content-type'] = sample.body.type;
      let query = sample.query;
      const asString = ([k, v]: [string, unknown]): [string, string] => [
        k,
        typeof v === 'string' ? v : JSON.stringify(v),
      ];
      if (sample.envelope && route.method !== 'POST') {
        // A real client's authorization request with arbitrary parameters added.
        query = `${authorizeQuery}&${form(sample.envelope[2].map(asString))}`;
      }
      if (sample.envelope && route.method === 'POST') {
        // Past the CSRF check or client authentication: real fields plus arbitrary ones.
        const [which, asJson, extra] = sample.envelope;
        const envelope = envelopes[which % envelopes.length];
        if (!envelope) throw new Error('no envelopes');
        if (envelope.cookie !== '') sent.cookie = envelope.cookie;
        const pairs: [string, unknown][] = [...Object.entries(envelope.fields), ...extra];
        if (asJson) {
          sent['content-type'] = 'application/json';
          payload = jsonWithRepeats(pairs);
        } else {
          sent['content-type'] = 'application/x-www-form-urlencoded';
          payload = form(pairs.map(asString));
        }
      }
      const response = await server.app.inject({
        method: method as 'GET',
        url: query === null ? route.url : `${route.url}?${query}`,
        headers: sent,
        ...(payload === undefined || method === 'GET' ? {} : { payload }),
      });
      if (response.statusCode >= 500) {
        throw new Error(`${method} ${route.url} → ${response.statusCode} ${response.body}`);
      }
    }),
    { numRuns: 400 },
  );
  // Every route was tried, and the app still answers.
  expect(seen.size).toBe(routes.length);
  expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
});
