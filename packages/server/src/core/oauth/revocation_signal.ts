/**
 * How the grants and RFC 7009 tell the rest of this process that they revoked something (a
 * token family, an access token), without knowing who listens: whatever remembers tokens as
 * live (the Bearer check cache, R-3) forgets them at once. Revocations in other processes are
 * bounded by that cache's own window instead.
 */
export interface RevocationSignal {
  /** Called after the revocation is stored. */
  tokensRevoked(): void;
}
