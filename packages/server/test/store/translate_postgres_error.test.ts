import { describe, expect, it } from 'vitest';
import { StoreConflictError, StoreUnavailableError } from '../../src/store/port.js';
import { redactDatabaseUrl } from '../../src/store/postgres/redact_database_url.js';
import { translatePostgresError } from '../../src/store/postgres/translate_postgres_error.js';
import { UNIQUE_CONSTRAINTS } from '../../src/store/sql/constraint_names.js';
import { StoreReferenceError } from '../../src/store/store_reference_error.js';

/** An error shaped like node-postgres' DatabaseError. */
function pgError(code: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`error ${code}`), { code, ...fields });
}

describe('translatePostgresError', () => {
  it.each(UNIQUE_CONSTRAINTS.map((c) => [c.name, c.port]))(
    'maps a unique violation of %s to StoreConflictError(%s)',
    (name, port) => {
      const translated = translatePostgresError(
        pgError('23505', { constraint: name, detail: 'Key (login)=(alice) already exists.' }),
      );
      expect(translated).toBeInstanceOf(StoreConflictError);
      expect((translated as StoreConflictError).constraint).toBe(port);
      expect((translated as Error).message).not.toContain('alice');
    },
  );

  it('maps a foreign-key violation to StoreReferenceError', () => {
    expect(translatePostgresError(pgError('23503'))).toBeInstanceOf(StoreReferenceError);
  });

  it.each([
    '08006',
    '08001',
    '57P01',
    '57P03',
    '57014',
    '55P03',
    '53300',
    '40001',
    '40P01',
    '28P01',
    '3D000',
    '25006',
    '57P05',
  ])('maps SQLSTATE %s to StoreUnavailableError, keeping the cause', (code) => {
    const error = pgError(code);
    const translated = translatePostgresError(error);
    expect(translated).toBeInstanceOf(StoreUnavailableError);
    expect((translated as Error).cause).toBe(error);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'])(
    'maps socket error %s to StoreUnavailableError',
    (code) => {
      expect(translatePostgresError(pgError(code))).toBeInstanceOf(StoreUnavailableError);
    },
  );

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Query read timeout',
    'Cannot use a pool after calling end on the pool',
  ])('maps "%s" to StoreUnavailableError', (message) => {
    expect(translatePostgresError(new Error(message))).toBeInstanceOf(StoreUnavailableError);
  });

  it('returns caller misuse and unknown errors unchanged', () => {
    const misuse = new TypeError('now must be an integer');
    expect(translatePostgresError(misuse)).toBe(misuse);
    const syntax = pgError('42601');
    expect(translatePostgresError(syntax)).toBe(syntax);
    expect(translatePostgresError('text')).toBe('text');
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password in the userinfo and in the query, keeps the rest', () => {
    const redacted = redactDatabaseUrl(
      'postgres://keygate:s3cr%21t@db.example:5432/keygate?sslmode=require&password=other',
    );
    expect(redacted).not.toContain('s3cr');
    expect(redacted).not.toContain('other');
    expect(redacted).toContain('keygate:***@db.example:5432/keygate');
    expect(redacted).toContain('sslmode=require');
  });

  it('leaves a URL without a password as it is, and never echoes a non-URL', () => {
    expect(redactDatabaseUrl('postgres://postgres@127.0.0.1/test')).toBe(
      'postgres://postgres@127.0.0.1/test',
    );
    expect(redactDatabaseUrl('pw=secret host')).toBe('<not a URL>');
  });
});
