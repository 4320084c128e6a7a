/** WSSE policy settings (W-1, W-3, W-5). */
export interface WssePolicyConfig {
  readonly lifetimeSeconds: number;
  readonly futureSkewSeconds: number;
  /** Seconds nonces are kept beyond the window, for wall-clock steps (W-6). */
  readonly clockStepMarginSeconds: number;
  readonly nonceMinBytes: number;
  readonly nonceMaxBytes: number;
  readonly nonceMaxLength: number;
  readonly maxHeaderLength: number;
}

/** OAuth 2.0 settings (O-5, O-9, O-10). */
export interface OAuthConfig {
  readonly audience: string;
  readonly authorizationCodeLifetimeSeconds: number;
  readonly accessTokenLifetimeSeconds: number;
  readonly refreshTokenLifetimeSeconds: number;
  readonly refreshReuseIntervalSeconds: number;
  readonly sessionLifetimeSeconds: number;
  /** A password change ends the user's login-page sessions and OAuth token families. */
  readonly endSessionsOnPasswordChange: boolean;
}

/** Legacy JWT settings (L-1..L-3). */
export interface LegacyConfig {
  readonly tokenLifetimeSeconds: number;
  readonly refreshIdleSeconds: number;
}

/** pino log levels accepted by `logLevel`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A log level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated, frozen configuration every part of keygate reads. */
export interface KeygateConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly databasePoolSize: number;
  readonly redisUrl: string | null;
  readonly issuer: string;
  /**
   * Whether `issuer` was set (`KEYGATE_ISSUER` or config `issuer`) or defaulted to this
   * process's own `http://<host>:<port>`, which differs between processes on a shared database.
   */
  readonly issuerSource: 'configured' | 'default';
  readonly realm: string;
  readonly logLevel: LogLevel;
  readonly trustProxy: boolean;
  readonly wsse: WssePolicyConfig;
  readonly oauth: OAuthConfig;
  readonly legacy: LegacyConfig;
}
