/**
 * Thrown when a write names a user or organization that does not exist (a membership or a
 * credential for an unknown id). It is caller misuse, not a conflict: callers resolve the user
 * and organization first, so it extends `TypeError` (house style) and never maps to a 409.
 * Every adapter throws it for the same cases; the SQL adapters map foreign-key violations to it.
 */
export class StoreReferenceError extends TypeError {
  override readonly name = 'StoreReferenceError';
  constructor() {
    super('unknown user or organization');
  }
}
