import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { unixSeconds } from '../../core/clock.js';
import type { Store } from '../port.js';
import { StoreNotReadyError, StoreUnavailableError } from '../port.js';
import type { Database } from './database.js';
import type { QueryRunner } from './prepared_query.js';
import { createSqlAuthorizationCodes } from './sql_authorization_codes.js';
import { createSqlContext, type SqlErrorTranslator } from './sql_context.js';
import { createSqlCounters } from './sql_counters.js';
import { createSqlCredentials } from './sql_credentials.js';
import { createSqlLegacyRefreshTokens } from './sql_legacy_refresh_tokens.js';
import { createSqlMemberships } from './sql_memberships.js';
import { createSqlNonces } from './sql_nonces.js';
import { createSqlOAuthClients } from './sql_oauth_clients.js';
import { createSqlOrganizations } from './sql_organizations.js';
import { createSqlRefreshTokens } from './sql_refresh_tokens.js';
import { createSqlRevokedAccessTokens } from './sql_revoked_access_tokens.js';
import { createSqlSigningKeys } from './sql_signing_keys.js';
import { createSqlTokenFamilies } from './sql_token_families.js';
import { createSqlUsers } from './sql_users.js';

/** What a dialect hands to {@link createSqlStore}. */
export interface SqlStoreOptions {
  /** Which adapter this is, reported as `Store.kind`. */
  readonly kind: 'sqlite' | 'postgres';
  /** Kysely on a migrated database (see `migrateToLatest`); the store owns it from now on. */
  readonly db: Kysely<Database>;
  /** Maps the driver's errors to the port's (the dialect-specific part). */
  readonly translateError: SqlErrorTranslator;
  /**
   * Optional: where `NonceStore.consume` runs its compiled upsert (e.g. SQLite's
   * group-committing writer); without it, on `db` like every other query.
   */
  readonly nonceRunner?: QueryRunner;
  /** Optional: `Store.dataVersion`; without it the store has none (callers do not cache). */
  readonly dataVersion?: () => string | number;
  /** Optional: runs on `close()` after new operations are refused, before Kysely is destroyed. */
  readonly onClose?: () => Promise<void>;
  /**
   * Optional: a dialect's own readiness check, run by `ping()` before its write; throws when
   * the database cannot serve (e.g. SQLite's file deleted under the server).
   */
  readonly checkReady?: () => void;
}

/**
 * The port implemented once in SQL through Kysely, shared by SQLite and PostgreSQL. Queries
 * use only syntax both accept (including `INSERT … ON CONFLICT … DO UPDATE … WHERE`); what
 * differs between them (error codes, how to open and configure a connection, transaction
 * mode) lives in the dialect's own folder. Single-use rules are compare-and-set statements
 * (`UPDATE … WHERE consumed_at IS NULL RETURNING *`), never read-then-write. `close()` destroys the Kysely instance.
 *
 * `ping()` proves that writes commit, not only that the database answers: it consumes a
 * replay-store key of its own (`keygate.readiness:<uuid of this store>`, expiring at once),
 * the very write WSSE authentication makes on every request, through the same runner. A full
 * disk, a read-only file system or standby fails it. No table is added for this: the row is
 * one per process, always expired, and swept by the nonce purge like any other.
 * @param options - dialect, database and error translator.
 */
export function createSqlStore(options: SqlStoreOptions): Store {
  const { kind, db, translateError, onClose, checkReady } = options;
  const context = createSqlContext(db, translateError);
  const nonces = createSqlNonces(context, options.nonceRunner);
  const readinessKey = `keygate.readiness:${randomUUID()}`;
  const store: Store = {
    kind,
    organizations: createSqlOrganizations(context),
    users: createSqlUsers(context),
    memberships: createSqlMemberships(context),
    credentials: createSqlCredentials(context),
    nonces,
    counters: createSqlCounters(context),
    oauthClients: createSqlOAuthClients(context),
    tokenFamilies: createSqlTokenFamilies(context),
    authorizationCodes: createSqlAuthorizationCodes(context),
    refreshTokens: createSqlRefreshTokens(context),
    signingKeys: createSqlSigningKeys(context),
    revokedAccessTokens: createSqlRevokedAccessTokens(context),
    legacyRefreshTokens: createSqlLegacyRefreshTokens(context),
    async ping() {
      if (context.closed) throw new StoreNotReadyError(['database']);
      try {
        checkReady?.();
        await sql`select 1`.execute(db);
        // The wall clock: readiness is about now, not the injected clock of a request.
        await nonces.consume(readinessKey, 0, unixSeconds(Date.now()));
      } catch (error) {
        throw new StoreNotReadyError(['database'], { cause: error });
      }
    },
    async close() {
      if (context.closed) return;
      context.markClosed();
      try {
        await onClose?.();
      } finally {
        await db.destroy();
      }
    },
  };
  const { dataVersion } = options;
  if (dataVersion === undefined) return store;
  return {
    ...store,
    dataVersion() {
      if (context.closed) throw new StoreUnavailableError('store is closed');
      try {
        return dataVersion();
      } catch (error) {
        throw translateError(error);
      }
    },
  };
}
