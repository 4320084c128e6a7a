import type { Migration } from 'kysely';
import { migration0001Initial } from './0001_initial.js';
import { migration0002OAuth } from './0002_oauth.js';
import { migration0003RateCounters } from './0003_rate_counters.js';
import { migration0004LegacyJwt } from './0004_legacy_jwt.js';
import { migration0005WsseNoncesRowid } from './0005_wsse_nonces_rowid.js';
import { migration0006AuthDataNotify } from './0006_auth_data_notify.js';
import { migration0007ClientIntrospectAnyToken } from './0007_client_introspect_any_token.js';
import { migration0008SigningKeysNotify } from './0008_signing_keys_notify.js';
import { migration0009UserSessionGeneration } from './0009_user_session_generation.js';

/**
 * Every migration, by name, in order. Listed statically (no filesystem scanning) so the
 * migrations travel with the code however it is bundled or installed. Names sort in the
 * order they must run; append new ones, never rename or reorder.
 */
export const ALL_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': migration0001Initial,
  '0002_oauth': migration0002OAuth,
  '0003_rate_counters': migration0003RateCounters,
  '0004_legacy_jwt': migration0004LegacyJwt,
  '0005_wsse_nonces_rowid': migration0005WsseNoncesRowid,
  '0006_auth_data_notify': migration0006AuthDataNotify,
  '0007_client_introspect_any_token': migration0007ClientIntrospectAnyToken,
  '0008_signing_keys_notify': migration0008SigningKeysNotify,
  '0009_user_session_generation': migration0009UserSessionGeneration,
});
