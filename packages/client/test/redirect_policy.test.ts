import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchAuthorizationServerMetadata } from '../src/fetch_authorization_server_metadata.js';
import {
  clientCredentials,
  clientSecretPost,
  createKeygateClient,
  JwksCache,
  KeygateHttpError,
  legacyJwt,
  requestToken,
  TokenInvalidError,
  verifyAccessToken,
  wsse,
} from '../src/index.js';

/**
 * The SDK never follows a redirect (C-1, C-5): every fetch it makes uses `redirect: 'manual'`,
 * so X-WSSE, X-Auth-Token, Basic credentials and POSTed secrets (client_secret, refresh_token,
 * password, which a 307/308 would re-send) never reach the origin a redirect names. Token,
 * legacy, metadata and JWKS requests treat a redirect as an error; `client.request` hands it
 * back unchanged.
 */
interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server that records every request and answers with `answer`'s status and location. */
function recording(
  received: Received[],
  answer: (request: IncomingMessage) => { status: number; location?: string },
) {
  return createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      });
      const { status, location } = answer(request);
      response.writeHead(status, {
        'content-type': 'application/json',
        ...(location !== undefined ? { location } : {}),
      });
      response.end(
        JSON.stringify({
          access_token: 'from-the-other-origin',
          token_type: 'Bearer',
          expires_in: 3600,
          token: 'a.b.c',
          issuer: 'http://other.example',
          keys: [],
        }),
      );
    });
  });
}

let status = 307;
const atRedirector: Received[] = [];
const atOther: Received[] = [];
let redirector: Server;
let other: Server;
let redirectorUrl: string;
let otherUrl: string;
beforeAll(async () => {
  other = recording(atOther, () => ({ status: 200 }));
  otherUrl = await listen(other);
  redirector = recording(atRedirector, (request) => ({
    status,
    location: `${otherUrl}${request.url ?? '/'}`,
  }));
  redirectorUrl = await listen(redirector);
});
afterAll(async () => {
  await new Promise((resolve) => redirector.close(resolve));
  await new Promise((resolve) => other.close(resolve));
});
beforeEach(() => {
  status = 307;
  atRedirector.length = 0;
  atOther.length = 0;
});

const context = () => ({ baseUrl: redirectorUrl, fetch, now: Date.now });

describe('API requests: the redirect comes back unchanged', () => {
  it('client.request returns the 307 and sends X-WSSE nowhere else', async () => {
    const client = createKeygateClient({
      baseUrl: redirectorUrl,
      auth: wsse({ key: 'k1', secret: 's1' }),
    });
    const response = await client.request('POST', '/api/v1/documents', { json: { a: 1 } });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(`${otherUrl}/api/v1/documents`);
    expect(atRedirector).toHaveLength(1);
    expect(atRedirector[0]?.headers['x-wsse']).toMatch(/^UsernameToken /);
    expect(atOther).toEqual([]);
  });

  it('client.json refuses the redirect with a KeygateHttpError', async () => {
    status = 302;
    const client = createKeygateClient({
      baseUrl: redirectorUrl,
      auth: wsse({ key: 'k1', secret: 's1' }),
    });
    const error = await client.json('GET', '/api/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeygateHttpError);
    expect(error).toMatchObject({ code: 'http_error', status: 302 });
    expect((error as Error).message).toMatch(/refuses to follow redirects with credentials/);
    expect(atOther).toEqual([]);
  });
});

describe('requests the SDK makes for itself: a redirect is an error', () => {
  it.each([307, 308])(
    'the token endpoint answering %i: the client secret stays home',
    async (code) => {
      status = code;
      const error = await requestToken(context(), {
        clientId: 'c1',
        clientAuthentication: clientSecretPost('client-secret-1'),
        params: { grant_type: 'refresh_token', refresh_token: 'refresh-token-1' },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeygateHttpError);
      expect(error).toMatchObject({ code: 'http_error', status: code });
      expect((error as Error).message).toMatch(/refuses to follow redirects with credentials/);
      expect(atRedirector[0]?.body).toContain('client_secret=client-secret-1');
      expect(atOther).toEqual([]);
    },
  );

  it('a grant strategy behind client.request fails instead of following', async () => {
    const client = createKeygateClient({
      baseUrl: redirectorUrl,
      auth: clientCredentials({ clientId: 'c1', clientSecret: 'client-secret-1' }),
    });
    await expect(client.request('GET', '/api/v1/me')).rejects.toMatchObject({
      code: 'http_error',
      status: 307,
    });
    expect(atRedirector.map((r) => r.url)).toEqual(['/oauth/token']);
    expect(atOther).toEqual([]);
  });

  it('legacy sign-in answering 307: the password stays home', async () => {
    const client = createKeygateClient({
      baseUrl: redirectorUrl,
      auth: legacyJwt({ username: 'dave', password: 'legacy password 123' }),
    });
    const error = await client.request('GET', '/api/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeygateHttpError);
    expect(error).toMatchObject({ status: 307 });
    expect(atRedirector.map((r) => r.url)).toEqual(['/auth/api/v1/token/password']);
    expect(atOther).toEqual([]);
  });

  it('the authorization server metadata answering 302', async () => {
    status = 302;
    await expect(fetchAuthorizationServerMetadata(context())).rejects.toMatchObject({
      code: 'http_error',
      status: 302,
    });
    expect(atOther).toEqual([]);
  });

  it('the JWKS answering 302: jwks_unavailable, the other origin is not asked', async () => {
    status = 302;
    const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${segment({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })}.${segment({})}.${Buffer.alloc(64).toString('base64url')}`;
    const error = await verifyAccessToken(token, {
      issuer: redirectorUrl,
      audience: redirectorUrl,
      jwksUrl: `${redirectorUrl}/jwks`,
      jwks: new JwksCache(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenInvalidError);
    expect(error).toMatchObject({ reason: 'jwks_unavailable' });
    expect(atRedirector.map((r) => r.url)).toEqual(['/jwks']);
    expect(atOther).toEqual([]);
  });
});

describe("a browser's opaque redirect (status 0)", () => {
  function opaqueRedirect(): Response {
    const response = new Response(null);
    Object.defineProperties(response, {
      type: { value: 'opaqueredirect' },
      status: { value: 0 },
      ok: { value: false },
    });
    return response;
  }

  it('is refused at the token endpoint and returned by client.request', async () => {
    const inits: (RequestInit | undefined)[] = [];
    const fakeFetch = async (_url: string, init?: RequestInit) => {
      inits.push(init);
      return opaqueRedirect();
    };
    await expect(
      requestToken(
        { baseUrl: 'https://auth.example.test', fetch: fakeFetch, now: Date.now },
        {
          clientId: 'c1',
          clientAuthentication: clientSecretPost('client-secret-1'),
          params: { grant_type: 'client_credentials' },
        },
      ),
    ).rejects.toMatchObject({ code: 'http_error', status: 0 });
    const client = createKeygateClient({
      baseUrl: 'https://api.example.test',
      auth: wsse({ key: 'k1', secret: 's1' }),
      fetch: fakeFetch,
    });
    const response = await client.request('GET', '/api/v1/me');
    expect(response.type).toBe('opaqueredirect');
    expect(inits.map((init) => init?.redirect)).toEqual(['manual', 'manual']);
  });
});
