/**
 * The reference for the `api_keys` grant: `oidc-provider` 9 (a certified OpenID Connect
 * provider) answering the `client_credentials` grant. Run as a child by
 * `start_oidc_provider.ts`; listens on 127.0.0.1, a free port, and prints
 * `oidc listening on <url>` on stderr.
 *
 * Configured to issue what keygate issues, so the two token endpoints do comparable work:
 * - JWT access tokens (`at+jwt`, RFC 9068) signed with an ES256 P-256 key generated at start,
 *   through `features.resourceIndicators` (a default resource whose `accessTokenFormat` is
 *   `jwt`, `jwt.sign.alg` ES256); without a resource, oidc-provider issues opaque tokens that
 *   it stores, which is a different job;
 * - one confidential client (`client_secret_post`, like keygate's body authentication), one
 *   allowed scope, 3600 s tokens (keygate's default, O-10);
 * - its default in-memory adapter (nothing is stored for a JWT client-credentials token);
 *   logs off apart from oidc-provider's own start-up warnings.
 *
 * The client id and secret come from `BENCH_OIDC_CLIENT_ID` / `BENCH_OIDC_CLIENT_SECRET`.
 *
 * @packageDocumentation
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const clientId = process.env.BENCH_OIDC_CLIENT_ID ?? 'bench-client';
const clientSecret = process.env.BENCH_OIDC_CLIENT_SECRET ?? randomBytes(32).toString('base64url');
/** The resource server the tokens are for (their `aud`). */
const RESOURCE = 'http://127.0.0.1/api';
const SCOPE = 'documents:read';

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
if (!address || typeof address === 'string') throw new Error('oidc server has no TCP address');
const issuer = `http://127.0.0.1:${address.port}`;

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingJwk = {
  ...privateKey.export({ format: 'jwk' }),
  kid: 'bench-es256',
  alg: 'ES256',
  use: 'sig',
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
      scope: SCOPE,
    },
  ],
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  jwks: { keys: [signingJwk] },
  scopes: [SCOPE],
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  ttl: { ClientCredentials: 3600 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: SCOPE,
        audience: RESOURCE,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

server.on('request', provider.callback());
process.stderr.write(`oidc listening on ${issuer}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
