/**
 * Defaults of the JWT and signing-key layer (O-9, O-10, O-11), in one place so the
 * configuration can adopt them. Every value is in seconds.
 */
export const TOKEN_DEFAULTS = Object.freeze({
  /** Access token lifetime (O-10). */
  accessTokenLifetimeSeconds: 3600,
  /** Refresh token lifetime from issue (O-9). */
  refreshTokenLifetimeSeconds: 432_000,
  /**
   * How long `keygate keys rotate` publishes a new key before it signs (O-11). Longer than the
   * time resource servers keep a JWKS before fetching it again (jose's `createRemoteJWKSet`
   * refetches an unknown `kid` after a 30 s cooldown and caches for 10 min; keygate's own
   * processes see a rotation on their next request, through the store's `dataVersion`), so
   * every verifier has the key before the first token it signs.
   */
  announceSeconds: 300,
  /**
   * Longest time a process serves the signing keys it loaded, even when the store's
   * `dataVersion` says nothing changed (the only reload trigger for a store without one).
   */
  keyCacheRefreshSeconds: 30,
  /**
   * Least time between two extra reloads caused by a token whose `kid` is not loaded, so
   * tokens with made-up kids cannot turn every request into a store query.
   */
  unknownKidRefreshSeconds: 1,
  /**
   * Kept on top of the longest token lifetime before a retired key is deleted: covers processes
   * that signed with the old key until their next reload, and clock skew between hosts.
   */
  retiredKeyGraceSeconds: 3600,
  /** Longest compact JWT accepted for verification; longer input is `malformed` unread. */
  maxTokenLength: 8192,
});
