/**
 * The database holds no keygate schema (no migration was ever applied) and the caller asked
 * not to create one: only `keygate serve` and `keygate migrate` set up a database.
 */
export class MissingSchemaError extends Error {
  static readonly code = 'missing_schema';
  readonly code = 'missing_schema';
  override readonly name = 'MissingSchemaError';
  constructor() {
    super('the database has no keygate schema');
  }
}
