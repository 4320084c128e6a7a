import { REQUEST_LIMITS } from '../request_limits.js';

const L = REQUEST_LIMITS;

/**
 * Route schemas of the legacy JWT endpoints (L-1, L-3): JSON objects whose listed fields have
 * the documented types and lengths; unknown fields are ignored, as before.
 */
export const LEGACY_TOKEN_SCHEMAS = Object.freeze({
  password: {
    type: 'object',
    maxProperties: L.fields,
    required: ['username', 'password'],
    properties: {
      username: { type: 'string', minLength: 1, maxLength: L.username },
      password: { type: 'string', minLength: 1, maxLength: L.password },
      refresh: { type: ['boolean', 'null'] },
      organization: { type: ['string', 'null'], minLength: 1, maxLength: L.username },
    },
  } as const,
  refresh: {
    type: 'object',
    maxProperties: L.fields,
    required: ['token'],
    properties: { token: { type: 'string', minLength: 1, maxLength: L.token } },
  } as const,
});
