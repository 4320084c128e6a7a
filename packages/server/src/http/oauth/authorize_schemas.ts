import { flatObjectSchema, stringField } from '../flat_object_schema.js';
import { REQUEST_LIMITS } from '../request_limits.js';

const L = REQUEST_LIMITS;

// A repeated authorization parameter is left to `validateAuthorizationRequest`, which answers
// it the RFC 6749 way (an error page before the redirect URI is trusted, a redirect after).
function parameter(maxLength: number) {
  return {
    type: ['string', 'array'],
    maxLength,
    maxItems: L.repeats,
    items: stringField(maxLength),
  } as const;
}

const formFields = {
  csrf_token: stringField(L.shortField),
  request: stringField(L.sealedRequest),
};

/**
 * Route schemas of the authorization pages (O-3, O-4): the `/oauth/authorize` query, the
 * sign-in form and the consent form. Failures are shown as an HTML error page.
 */
export const AUTHORIZE_SCHEMAS = Object.freeze({
  authorizeQuery: {
    type: 'object',
    maxProperties: L.fields,
    properties: {
      response_type: parameter(L.shortField),
      client_id: parameter(L.clientId),
      redirect_uri: parameter(L.redirectUri),
      scope: parameter(L.scope),
      state: parameter(L.state),
      code_challenge: parameter(L.shortField),
      code_challenge_method: parameter(L.shortField),
    },
    additionalProperties: parameter(L.otherField),
  } as const,
  loginForm: flatObjectSchema({
    ...formFields,
    username: stringField(L.username),
    password: stringField(L.password),
  }),
  consentForm: flatObjectSchema({
    ...formFields,
    decision: stringField(L.shortField),
    organization_id: stringField(L.shortField),
  }),
});
