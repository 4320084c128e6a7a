import { REDIRECT_URI_MAX_LENGTH } from '../core/oauth/checks/redirect_uri.js';
import { PASSWORD_MAX_LENGTH } from '../core/passwords/check_password_policy.js';
import { TOKEN_DEFAULTS } from '../core/tokens/token_defaults.js';

/**
 * The largest value each request field may have, enforced by the route schemas before any
 * handler runs (a longer value is a 400 naming the field). Lengths are in characters (Unicode
 * code points, as JSON Schema counts them). They are ceilings for well-formed clients, far
 * above what keygate itself issues; the precise rules (PKCE lengths, W-3 nonce bounds …) stay
 * with the checks in `core`.
 */
export const REQUEST_LIMITS = Object.freeze({
  /** Fields in one body or query string. */
  fields: 64,
  /** Times one authorization request parameter may repeat (repeats are refused in `core`). */
  repeats: 8,
  /**
   * A field keygate does not read (RFC 6749 §3.1: unknown parameters are ignored), roomy
   * enough for what other servers' clients add (an OpenID Connect `claims` or `request`).
   */
  otherField: 4096,
  /**
   * The short fields: `grant_type`, `response_type`, `token_type_hint`, PKCE values, the
   * `api_keys` grant's `key`, `created_at` and `digest`, form fields such as `csrf_token`.
   */
  shortField: 1024,
  /** Logins and organization names or ids (logins are at most 128, see `checkName`). */
  username: 1024,
  /** L-5: a password is 8–1024 characters; a longer one cannot be anyone's. */
  password: PASSWORD_MAX_LENGTH,
  /** `client_id` (keygate issues 32 hex characters). */
  clientId: 256,
  /** `client_secret` (keygate issues 43 characters). */
  clientSecret: 512,
  /** Access, refresh and legacy tokens: the longest JWT keygate verifies (O-9, O-10, L-3). */
  token: TOKEN_DEFAULTS.maxTokenLength,
  /** Authorization codes (keygate issues 43 characters). */
  code: 512,
  /** `redirect_uri`: as long as registration allows. */
  redirectUri: REDIRECT_URI_MAX_LENGTH,
  /** `scope`, space-separated tokens. */
  scope: 4096,
  /** `state`, echoed byte-exact to the client (O-3). */
  state: 4096,
  /** The `api_keys` grant's `nonce`: the highest `wsse.nonceMaxLength` the configuration allows. */
  nonce: 4096,
  /** `Authorization` header (HTTP Basic client authentication, RFC 6749 §2.3.1). */
  authorizationHeader: 8192,
  /** The sealed authorization request the sign-in and consent forms carry back. */
  sealedRequest: 32_768,
});
