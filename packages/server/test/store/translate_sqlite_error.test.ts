import { describe, expect, it } from 'vitest';
import { StoreConflictError, StoreUnavailableError } from '../../src/store/port.js';
import { translateSqliteError } from '../../src/store/sqlite/translate_sqlite_error.js';
import { StoreReferenceError } from '../../src/store/store_reference_error.js';

/** An error shaped like better-sqlite3's SqliteError. */
function sqliteError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('translateSqliteError', () => {
  it.each([
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'organizations.id', 'organization.id'],
    ['SQLITE_CONSTRAINT_UNIQUE', 'organizations.name', 'organization.name'],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'users.id', 'user.id'],
    ['SQLITE_CONSTRAINT_UNIQUE', 'users.login', 'user.login'],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'api_credentials.id', 'credential.id'],
    ['SQLITE_CONSTRAINT_UNIQUE', 'api_credentials.key', 'credential.key'],
    [
      'SQLITE_CONSTRAINT_UNIQUE',
      'api_credentials.user_id, api_credentials.organization_id',
      'credential.user_org',
    ],
    ['SQLITE_CONSTRAINT_UNIQUE', "index 'api_credentials_user_org_usable'", 'credential.user_org'],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'oauth_clients.client_id', 'oauth_client.client_id'],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'token_families.id', 'token_family.id'],
    [
      'SQLITE_CONSTRAINT_PRIMARYKEY',
      'authorization_codes.code_hash',
      'authorization_code.code_hash',
    ],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'refresh_tokens.jti', 'refresh_token.jti'],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'signing_keys.kid', 'signing_key.kid'],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'revoked_access_tokens.jti', 'revoked_access_token.jti'],
  ])('maps %s on %s to %s', (code, described, constraint) => {
    const translated = translateSqliteError(
      sqliteError(code, `UNIQUE constraint failed: ${described}`),
    );
    expect(translated).toBeInstanceOf(StoreConflictError);
    expect((translated as StoreConflictError).constraint).toBe(constraint);
  });

  it('keeps an unlisted unique constraint visible by its columns', () => {
    const translated = translateSqliteError(
      sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: other.col'),
    );
    expect((translated as StoreConflictError).constraint).toBe('other.col');
  });

  it('maps a foreign-key violation to StoreReferenceError', () => {
    expect(
      translateSqliteError(
        sqliteError('SQLITE_CONSTRAINT_FOREIGNKEY', 'FOREIGN KEY constraint failed'),
      ),
    ).toBeInstanceOf(StoreReferenceError);
  });

  it.each([
    'SQLITE_BUSY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_IOERR_WRITE',
    'SQLITE_FULL',
    'SQLITE_CANTOPEN',
  ])('maps %s to StoreUnavailableError, keeping the cause', (code) => {
    const cause = sqliteError(code, 'database trouble');
    const translated = translateSqliteError(cause);
    expect(translated).toBeInstanceOf(StoreUnavailableError);
    expect((translated as Error).cause).toBe(cause);
  });

  it('maps the closed-connection TypeError to StoreUnavailableError', () => {
    expect(
      translateSqliteError(new TypeError('The database connection is not open')),
    ).toBeInstanceOf(StoreUnavailableError);
  });

  it('passes anything else through unchanged', () => {
    const check = sqliteError('SQLITE_CONSTRAINT_CHECK', 'CHECK constraint failed: x');
    const misuse = new TypeError('ttlSeconds must be integer unix seconds');
    const plain = new Error('keyring refused');
    expect(translateSqliteError(check)).toBe(check);
    expect(translateSqliteError(misuse)).toBe(misuse);
    expect(translateSqliteError(plain)).toBe(plain);
    expect(translateSqliteError('not an error')).toBe('not an error');
  });
});
