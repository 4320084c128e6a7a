/**
 * A command other than `keygate serve` or `keygate migrate` found no keygate database where
 * the configuration points (no SQLite file, or a database without keygate's schema) and
 * refused to create one. The message names the place and says what to run.
 */
export class NoKeygateDataError extends Error {
  static readonly code = 'no_keygate_data';
  readonly code = 'no_keygate_data';
  override readonly name = 'NoKeygateDataError';
}
