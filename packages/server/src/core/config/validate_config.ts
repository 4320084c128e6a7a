import { CONFIG_DEFAULTS, CONFIG_ENV_NAMES } from './defaults.js';
import { type KeygateConfig, LOG_LEVELS, type LogLevel } from './keygate_config.js';

/** One bad configuration value: where it came from and what is wrong with it. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Thrown when configuration is invalid; lists every problem, one line each. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
}

/** A configuration layer: values as read from a file, the environment or flags (strings allowed). */
export type RawConfig = Record<string, unknown>;

const KNOWN_PATHS = new Set(Object.keys(CONFIG_ENV_NAMES));

/**
 * Merges layers (later wins) over the defaults, validates every value and returns a frozen
 * configuration, or throws `ConfigError` listing each bad value with a message that says
 * what is expected. Unknown keys are reported, not silently dropped, so a typo is visible.
 */
export function validateConfig(...layers: RawConfig[]): KeygateConfig {
  const merged = new Map<string, unknown>();
  const problems: ConfigProblem[] = [];
  for (const layer of layers) {
    for (const [path, value] of flatten(layer)) {
      if (!KNOWN_PATHS.has(path)) {
        problems.push({ path, message: 'unknown setting' });
        continue;
      }
      if (value !== undefined) merged.set(path, value);
    }
  }
  const read = new Reader(merged, problems);
  const host = read.string('host', CONFIG_DEFAULTS.host);
  const port = read.integer('port', CONFIG_DEFAULTS.port, 0, 65535);
  const wsse = Object.freeze({
    lifetimeSeconds: read.integer('wsse.lifetimeSeconds', CONFIG_DEFAULTS.wsse.lifetimeSeconds, -1),
    futureSkewSeconds: read.integer(
      'wsse.futureSkewSeconds',
      CONFIG_DEFAULTS.wsse.futureSkewSeconds,
      0,
      86_400,
    ),
    clockStepMarginSeconds: read.integer(
      'wsse.clockStepMarginSeconds',
      CONFIG_DEFAULTS.wsse.clockStepMarginSeconds,
      0,
      86_400,
    ),
    nonceMinBytes: read.integer('wsse.nonceMinBytes', CONFIG_DEFAULTS.wsse.nonceMinBytes, 1, 1024),
    nonceMaxBytes: read.integer('wsse.nonceMaxBytes', CONFIG_DEFAULTS.wsse.nonceMaxBytes, 1, 1024),
    nonceMaxLength: read.integer(
      'wsse.nonceMaxLength',
      CONFIG_DEFAULTS.wsse.nonceMaxLength,
      1,
      4096,
    ),
    maxHeaderLength: read.integer(
      'wsse.maxHeaderLength',
      CONFIG_DEFAULTS.wsse.maxHeaderLength,
      256,
      65_536,
    ),
  });
  if (wsse.lifetimeSeconds === 0) {
    problems.push({
      path: 'wsse.lifetimeSeconds',
      message: 'must be a positive number of seconds, or -1 for no expiry',
    });
  }
  if (wsse.nonceMinBytes > wsse.nonceMaxBytes) {
    problems.push({ path: 'wsse.nonceMinBytes', message: 'must not exceed wsse.nonceMaxBytes' });
  }
  const issuerUrl = read.optionalUrl('issuer', ['http:', 'https:']);
  const issuer = (issuerUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(
    /\/+$/,
    '',
  );
  const issuerProblem = issuerUrl === null ? null : checkIssuer(issuer);
  if (issuerProblem !== null) problems.push({ path: 'issuer', message: issuerProblem });
  const defaults = CONFIG_DEFAULTS.oauth;
  const oauth = Object.freeze({
    audience: read.optionalUrl('oauth.audience', ['http:', 'https:']) ?? issuer,
    authorizationCodeLifetimeSeconds: read.integer(
      'oauth.authorizationCodeLifetimeSeconds',
      defaults.authorizationCodeLifetimeSeconds,
      1,
      600,
    ),
    accessTokenLifetimeSeconds: read.integer(
      'oauth.accessTokenLifetimeSeconds',
      defaults.accessTokenLifetimeSeconds,
      60,
      86_400,
    ),
    refreshTokenLifetimeSeconds: read.integer(
      'oauth.refreshTokenLifetimeSeconds',
      defaults.refreshTokenLifetimeSeconds,
      60,
      31_536_000,
    ),
    refreshReuseIntervalSeconds: read.integer(
      'oauth.refreshReuseIntervalSeconds',
      defaults.refreshReuseIntervalSeconds,
      0,
      300,
    ),
    sessionLifetimeSeconds: read.integer(
      'oauth.sessionLifetimeSeconds',
      defaults.sessionLifetimeSeconds,
      60,
      86_400,
    ),
    endSessionsOnPasswordChange: read.boolean(
      'oauth.endSessionsOnPasswordChange',
      defaults.endSessionsOnPasswordChange,
    ),
  });
  const legacy = Object.freeze({
    tokenLifetimeSeconds: read.integer(
      'legacy.tokenLifetimeSeconds',
      CONFIG_DEFAULTS.legacy.tokenLifetimeSeconds,
      60,
      86_400,
    ),
    refreshIdleSeconds: read.integer(
      'legacy.refreshIdleSeconds',
      CONFIG_DEFAULTS.legacy.refreshIdleSeconds,
      3600,
      31_536_000,
    ),
  });
  const config: KeygateConfig = Object.freeze({
    host,
    port,
    dataDir: read.string('dataDir', CONFIG_DEFAULTS.dataDir),
    databaseUrl: read.optionalUrl('databaseUrl', ['postgres:', 'postgresql:', 'sqlite:']),
    databasePoolSize: read.integer('databasePoolSize', CONFIG_DEFAULTS.databasePoolSize, 1, 1000),
    redisUrl: read.optionalUrl('redisUrl', ['redis:', 'rediss:']),
    issuer,
    issuerSource: issuerUrl === null ? 'default' : 'configured',
    realm: read.realm('realm', CONFIG_DEFAULTS.realm),
    logLevel: read.oneOf('logLevel', CONFIG_DEFAULTS.logLevel, LOG_LEVELS) as LogLevel,
    trustProxy: read.boolean('trustProxy', CONFIG_DEFAULTS.trustProxy),
    wsse,
    oauth,
    legacy,
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function* flatten(layer: RawConfig, prefix = ''): Generator<[string, unknown]> {
  for (const [key, value] of Object.entries(layer)) {
    const path = prefix + key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      yield* flatten(value as RawConfig, `${path}.`);
    } else {
      yield [path, value];
    }
  }
}

/**
 * Clients compare the issuer as a plain string (RFC 8414 §3.3, RFC 9207 §2.4) and keygate
 * builds every endpoint URL by appending to it, so it must be an origin with an optional path
 * and nothing a URL parser would rewrite. Null when it is fine.
 */
function checkIssuer(issuer: string): string | null {
  const url = new URL(issuer);
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    return 'must have no query or fragment (RFC 8414 §2)';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  const canonical = url.href.replace(/\/+$/, '');
  return canonical === issuer ? null : `is not in canonical form: use ${canonical}`;
}

class Reader {
  constructor(
    private readonly values: Map<string, unknown>,
    private readonly problems: ConfigProblem[],
  ) {}

  private fail<T>(path: string, message: string, fallback: T): T {
    this.problems.push({ path, message });
    return fallback;
  }

  string(path: string, fallback: string): string {
    const value = this.values.get(path);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value.trim() === '') {
      return this.fail(path, 'must be a non-empty string', fallback);
    }
    return value;
  }

  realm(path: string, fallback: string): string {
    const value = this.string(path, fallback);
    if (!/^[\x20-\x7e]+$/.test(value) || value.includes('"') || value.includes('\\')) {
      return this.fail(path, 'must be printable ASCII without quotes or backslashes', fallback);
    }
    return value;
  }

  integer(path: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.values.get(path);
    if (value === undefined) return fallback;
    const number =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^-?\d+$/.test(value.trim())
          ? Number(value)
          : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      return this.fail(path, `must be a whole number from ${min} to ${max}`, fallback);
    }
    return number;
  }

  boolean(path: string, fallback: boolean): boolean {
    const value = this.values.get(path);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    return this.fail(path, 'must be true or false', fallback);
  }

  oneOf(path: string, fallback: string, allowed: readonly string[]): string {
    const value = this.values.get(path);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      return this.fail(path, `must be one of ${allowed.join(', ')}`, fallback);
    }
    return value;
  }

  optionalUrl(path: string, protocols: readonly string[]): string | null {
    const value = this.values.get(path);
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string' || !URL.canParse(value)) {
      return this.fail(path, `must be a URL (${protocols.join(' or ')})`, null);
    }
    if (!protocols.includes(new URL(value).protocol)) {
      return this.fail(path, `must use ${protocols.join(' or ')}`, null);
    }
    return value;
  }
}
