import { flatObjectSchema, stringField } from '../flat_object_schema.js';
import { REQUEST_LIMITS } from '../request_limits.js';

const L = REQUEST_LIMITS;

// Client authentication in the body (RFC 6749 §2.3.1) or in the Authorization header.
const clientFields = {
  client_id: stringField(L.clientId),
  client_secret: stringField(L.clientSecret),
};
const headers = {
  type: 'object',
  properties: { authorization: stringField(L.authorizationHeader) },
} as const;

/**
 * Route schemas of `POST /oauth/token` (O-6, O-7, O-8) and of `/oauth/revoke` and
 * `/oauth/introspect` (RFC 7009, RFC 7662): flat objects of single strings, JSON or form.
 */
export const TOKEN_ENDPOINT_SCHEMAS = Object.freeze({
  token: {
    headers,
    body: flatObjectSchema({
      ...clientFields,
      grant_type: stringField(L.shortField),
      code: stringField(L.code),
      redirect_uri: stringField(L.redirectUri),
      code_verifier: stringField(L.shortField),
      refresh_token: stringField(L.token),
      scope: stringField(L.scope),
      key: stringField(L.shortField),
      nonce: stringField(L.nonce),
      created_at: stringField(L.shortField),
      digest: stringField(L.shortField),
    }),
  },
  tokenManagement: {
    headers,
    body: flatObjectSchema({
      ...clientFields,
      token: stringField(L.token),
      token_type_hint: stringField(L.shortField),
    }),
  },
});
