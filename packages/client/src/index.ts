/**
 * @keygate/client: the integrators' SDK for keygate-protected APIs (C-1..C-6). Fetch-based,
 * with an injectable `fetch` and clock, no server code and no Node built-ins, so it runs on
 * Node.js ≥ 20 and in browsers. File token storage lives in `@keygate/client/node`.
 *
 * @packageDocumentation
 */

export { passwordDigestAsync as wsseDigest } from '@keygate/wsse';
export { type ApiKeysAuth, type ApiKeysOptions, apiKeys } from './auth/api_keys.js';
export {
  type AuthorizationCodeAuth,
  type AuthorizationCodeOptions,
  authorizationCode,
} from './auth/authorization_code.js';
export { bearer } from './auth/bearer.js';
export {
  type ClientCredentialsAuth,
  type ClientCredentialsOptions,
  clientCredentials,
} from './auth/client_credentials.js';
export { type LegacyJwtOptions, legacyJwt } from './auth/legacy_jwt.js';
export { type WsseOptions, wsse } from './auth/wsse.js';
export type { AuthContext, FetchLike } from './auth_context.js';
export type { AuthStrategy } from './auth_strategy.js';

export {
  type ClientAuthentication,
  clientSecretBasic,
  clientSecretPost,
  noClientSecret,
} from './client_authentication.js';
export {
  createKeygateClient,
  type KeygateClient,
  type KeygateClientOptions,
  type KeygateRequestInit,
} from './create_keygate_client.js';
export {
  type AuthenticateRequest,
  createRequestAuthenticator,
  type RequestAuthenticatorOptions,
} from './create_request_authenticator.js';
export {
  InvalidResponseError,
  IssuerMismatchError,
  KeygateClientError,
  type KeygateClientErrorCode,
  KeygateHttpError,
  OAuthError,
  type RefusalAnswer,
  RequestRefusedError,
  SessionExpiredError,
  StateMismatchError,
  TokenInvalidError,
  type TokenInvalidReason,
} from './errors.js';
export { JwksCache, type JwksCacheOptions } from './jwks_cache.js';
export { codeChallengeS256, generatePkce, type PkcePair } from './pkce.js';
export type { RequestHeaders } from './read_credential.js';
export { type RequestTokenOptions, requestToken } from './request_token.js';
export type { ResourceAuthScheme, ResourcePrincipal } from './resource_principal.js';
export { createScopeCheck, type ScopeCheck } from './scope_check.js';
export type { TokenResponse, TokenSet } from './token_set.js';
export { memoryTokenStorage, type TokenStorage } from './token_storage.js';
export {
  type AccessTokenClaims,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from './verify_access_token.js';
