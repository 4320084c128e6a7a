/** A signed token, its `jti` and when it expires (unix seconds). */
export interface IssuedToken {
  readonly token: string;
  readonly jti: string;
  readonly expiresAt: number;
}
