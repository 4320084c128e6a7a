/**
 * keygate's configuration defaults: the one place every setting is listed and explained.
 * docs/configuration.md lists the same names in a table a test checks. Each setting can be
 * given in a JSON config file (`--config` / `KEYGATE_CONFIG`), an environment variable or a
 * command-line flag; flags win over the environment, which wins over the file.
 */
export const CONFIG_DEFAULTS = {
  /** Interface `keygate serve` listens on. Env `KEYGATE_HOST`. */
  host: '127.0.0.1',
  /** TCP port; 0 picks a free one. Env `KEYGATE_PORT`. */
  port: 8080,
  /** Directory for the SQLite file and the master key file. Env `KEYGATE_DATA_DIR`. */
  dataDir: './data',
  /**
   * Database: unset means the embedded SQLite file `<dataDir>/keygate.sqlite` (S-1).
   * Env `KEYGATE_DATABASE_URL`.
   */
  databaseUrl: null as string | null,
  /**
   * Most connections to PostgreSQL each keygate process opens (S-2); unused with SQLite.
   * Env `KEYGATE_DATABASE_POOL_SIZE`.
   */
  databasePoolSize: 10,
  /**
   * Redis for the replay store and rate-limit counters (S-2), `redis://[user:password@]host:port[/db]`
   * or `rediss://…`; unset keeps them in the database. Must run with `maxmemory-policy
   * noeviction` (S-4). Env `KEYGATE_REDIS_URL`.
   */
  redisUrl: null as string | null,
  /**
   * Public base URL used as the token issuer; unset means `http://<host>:<port>`, which
   * `keygate serve` refuses when host is a wildcard (`0.0.0.0`, `::`). Env `KEYGATE_ISSUER`.
   */
  issuer: null as string | null,
  /** Realm named in `WWW-Authenticate` challenges. Env `KEYGATE_REALM`. */
  realm: 'keygate',
  /** pino level: fatal, error, warn, info, debug, trace or silent. Env `KEYGATE_LOG_LEVEL`. */
  logLevel: 'info',
  /** Trust `X-Forwarded-*` from the peer (set when behind a reverse proxy). Env `KEYGATE_TRUST_PROXY`. */
  trustProxy: false,
  wsse: {
    /** Seconds a header stays valid after its Created time; -1 = no expiry (W-5). Env `KEYGATE_WSSE_LIFETIME`. */
    lifetimeSeconds: 3600,
    /** Seconds a Created time may lie ahead of the server clock (W-5). Env `KEYGATE_WSSE_FUTURE_SKEW`. */
    futureSkewSeconds: 60,
    /**
     * Seconds a used nonce is kept beyond the validity window, so a wall-clock step of up to
     * this size (NTP, VM resume, an operator's date) cannot reopen a replay window (W-6). Env
     * `KEYGATE_WSSE_CLOCK_STEP_MARGIN`.
     */
    clockStepMarginSeconds: 300,
    /** Smallest decoded nonce in bytes (W-3). Env `KEYGATE_WSSE_NONCE_MIN_BYTES`. */
    nonceMinBytes: 8,
    /** Largest decoded nonce in bytes (W-3). Env `KEYGATE_WSSE_NONCE_MAX_BYTES`. */
    nonceMaxBytes: 128,
    /** Longest nonce as transmitted, in characters (W-3). Env `KEYGATE_WSSE_NONCE_MAX_LENGTH`. */
    nonceMaxLength: 256,
    /** Longest accepted X-WSSE header, in characters (W-1). Env `KEYGATE_WSSE_MAX_HEADER_LENGTH`. */
    maxHeaderLength: 4096,
  },
  oauth: {
    /** `aud` of access tokens and what Bearer checks expect; unset means the issuer. Env `KEYGATE_AUDIENCE`. */
    audience: null as string | null,
    /** Seconds an authorization code can be redeemed (O-5). Env `KEYGATE_OAUTH_CODE_LIFETIME`. */
    authorizationCodeLifetimeSeconds: 60,
    /** Seconds an access token lives (O-10). Env `KEYGATE_OAUTH_ACCESS_TOKEN_LIFETIME`. */
    accessTokenLifetimeSeconds: 3600,
    /** Seconds a refresh token lives from issue (O-9). Env `KEYGATE_OAUTH_REFRESH_TOKEN_LIFETIME`. */
    refreshTokenLifetimeSeconds: 432000,
    /**
     * Seconds in which a just-used refresh token gets its successor's response again instead of
     * revoking the family (O-9); 0 = strict single use. Env `KEYGATE_OAUTH_REFRESH_REUSE_INTERVAL`.
     */
    refreshReuseIntervalSeconds: 0,
    /** Seconds a sign-in on the login page lasts. Env `KEYGATE_OAUTH_SESSION_LIFETIME`. */
    sessionLifetimeSeconds: 3600,
    /**
     * Whether a password change ends the user's login-page sessions and OAuth token families
     * . Env `KEYGATE_OAUTH_END_SESSIONS_ON_PASSWORD_CHANGE`.
     */
    endSessionsOnPasswordChange: true,
  },
  legacy: {
    /** Seconds a legacy JWT (`X-Auth-Token`, L-1, L-2) lives. Env `KEYGATE_LEGACY_TOKEN_LIFETIME`. */
    tokenLifetimeSeconds: 3600,
    /**
     * Seconds a legacy refresh token survives without a JWT being made from it (L-3, sliding:
     * 30 days). Env `KEYGATE_LEGACY_REFRESH_IDLE`.
     */
    refreshIdleSeconds: 2_592_000,
  },
} as const;

/** Environment variable for each configuration path (dot-separated). */
export const CONFIG_ENV_NAMES: Readonly<Record<string, string>> = {
  host: 'KEYGATE_HOST',
  port: 'KEYGATE_PORT',
  dataDir: 'KEYGATE_DATA_DIR',
  databaseUrl: 'KEYGATE_DATABASE_URL',
  databasePoolSize: 'KEYGATE_DATABASE_POOL_SIZE',
  redisUrl: 'KEYGATE_REDIS_URL',
  issuer: 'KEYGATE_ISSUER',
  realm: 'KEYGATE_REALM',
  logLevel: 'KEYGATE_LOG_LEVEL',
  trustProxy: 'KEYGATE_TRUST_PROXY',
  'wsse.lifetimeSeconds': 'KEYGATE_WSSE_LIFETIME',
  'wsse.futureSkewSeconds': 'KEYGATE_WSSE_FUTURE_SKEW',
  'wsse.clockStepMarginSeconds': 'KEYGATE_WSSE_CLOCK_STEP_MARGIN',
  'wsse.nonceMinBytes': 'KEYGATE_WSSE_NONCE_MIN_BYTES',
  'wsse.nonceMaxBytes': 'KEYGATE_WSSE_NONCE_MAX_BYTES',
  'wsse.nonceMaxLength': 'KEYGATE_WSSE_NONCE_MAX_LENGTH',
  'wsse.maxHeaderLength': 'KEYGATE_WSSE_MAX_HEADER_LENGTH',
  'oauth.audience': 'KEYGATE_AUDIENCE',
  'oauth.authorizationCodeLifetimeSeconds': 'KEYGATE_OAUTH_CODE_LIFETIME',
  'oauth.accessTokenLifetimeSeconds': 'KEYGATE_OAUTH_ACCESS_TOKEN_LIFETIME',
  'oauth.refreshTokenLifetimeSeconds': 'KEYGATE_OAUTH_REFRESH_TOKEN_LIFETIME',
  'oauth.refreshReuseIntervalSeconds': 'KEYGATE_OAUTH_REFRESH_REUSE_INTERVAL',
  'oauth.sessionLifetimeSeconds': 'KEYGATE_OAUTH_SESSION_LIFETIME',
  'oauth.endSessionsOnPasswordChange': 'KEYGATE_OAUTH_END_SESSIONS_ON_PASSWORD_CHANGE',
  'legacy.tokenLifetimeSeconds': 'KEYGATE_LEGACY_TOKEN_LIFETIME',
  'legacy.refreshIdleSeconds': 'KEYGATE_LEGACY_REFRESH_IDLE',
};
