/**
 * Thrown when a write names a record that does not exist: a membership or a credential for an
 * unknown user or organization, a token family for an unknown client, user or organization, an
 * authorization code or refresh token for an unknown client or token family. It is caller
 * misuse, not a conflict: callers resolve what they reference first, so it extends `TypeError`
 * (house style) and never maps to a 409. Every adapter throws it for the same cases; the SQL
 * adapters map foreign-key violations to it.
 */
export class StoreReferenceError extends TypeError {
  override readonly name = 'StoreReferenceError';
  constructor() {
    super('unknown referenced record (user, organization, client or token family)');
  }
}
