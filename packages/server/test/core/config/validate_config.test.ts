import { describe, expect, it } from 'vitest';
import { configWarnings } from '../../../src/core/config/config_warnings.js';
import { CONFIG_DEFAULTS } from '../../../src/core/config/defaults.js';
import { ConfigError, validateConfig } from '../../../src/core/config/validate_config.js';
import { readConfig } from '../../../src/runtime/read_config_sources.js';

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.path);
    throw error;
  }
  return [];
}

describe('validateConfig (X-4)', () => {
  it('defaults are the documented ones and the result is frozen', () => {
    const config = validateConfig();
    expect(config.port).toBe(CONFIG_DEFAULTS.port);
    expect(config.wsse.lifetimeSeconds).toBe(3600);
    expect(config.wsse.futureSkewSeconds).toBe(60);
    expect(config.issuer).toBe('http://127.0.0.1:8080');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.wsse)).toBe(true);
  });

  it('later layers win and strings from the environment are converted', () => {
    const config = validateConfig(
      { port: 1 },
      { port: '2', 'wsse.lifetimeSeconds': '-1' },
      { port: 3 },
    );
    expect(config.port).toBe(3);
    expect(config.wsse.lifetimeSeconds).toBe(-1);
  });

  it('reports every bad value, each under its own name', () => {
    const paths = problemsOf(() =>
      validateConfig({
        port: 70000,
        logLevel: 'loud',
        trustProxy: 'maybe',
        issuer: 'ftp://x',
        realm: 'a"b',
        wsse: { lifetimeSeconds: 0, nonceMinBytes: 200, nonceMaxBytes: 100 },
        prot: 1,
      }),
    );
    expect(paths.sort()).toEqual(
      [
        'issuer',
        'logLevel',
        'port',
        'prot',
        'realm',
        'trustProxy',
        'wsse.lifetimeSeconds',
        'wsse.nonceMinBytes',
      ].sort(),
    );
  });

  it('legacy JWT settings (L-1..L-3): 3600 s tokens, 30-day idle refresh, bounded, from env names', () => {
    const defaults = validateConfig();
    expect(defaults.legacy).toEqual({ tokenLifetimeSeconds: 3600, refreshIdleSeconds: 2_592_000 });
    expect(Object.isFrozen(defaults.legacy)).toBe(true);
    const set = validateConfig({
      'legacy.tokenLifetimeSeconds': '900',
      'legacy.refreshIdleSeconds': '86400',
    });
    expect(set.legacy).toEqual({ tokenLifetimeSeconds: 900, refreshIdleSeconds: 86_400 });
    const paths = problemsOf(() =>
      validateConfig({ legacy: { tokenLifetimeSeconds: 0, refreshIdleSeconds: 'soon' } }),
    );
    expect(paths.sort()).toEqual(['legacy.refreshIdleSeconds', 'legacy.tokenLifetimeSeconds']);
  });

  it('reads file, then environment, then flags', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'keygate-config-'));
    const file = join(dir, 'keygate.json');
    await writeFile(
      file,
      JSON.stringify({ port: 1111, realm: 'file', wsse: { futureSkewSeconds: 5 } }),
    );
    const config = readConfig({
      env: { KEYGATE_CONFIG: file, KEYGATE_PORT: '2222', KEYGATE_REALM: 'env' },
      flags: { port: '3333' },
    });
    expect(config.port).toBe(3333);
    expect(config.realm).toBe('env');
    expect(config.wsse.futureSkewSeconds).toBe(5);
    expect(() =>
      readConfig({ env: { KEYGATE_CONFIG: join(dir, 'missing.json') }, flags: {} }),
    ).toThrow(/cannot read/);
  });

  it('redisUrl (S-2) is unset by default, takes redis:// or rediss:// from KEYGATE_REDIS_URL', () => {
    expect(validateConfig().redisUrl).toBeNull();
    const config = readConfig({
      env: { KEYGATE_REDIS_URL: 'redis://:secret@127.0.0.1:6380/2' },
      flags: {},
    });
    expect(config.redisUrl).toBe('redis://:secret@127.0.0.1:6380/2');
    expect(validateConfig({ redisUrl: 'rediss://cache.example:6380' }).redisUrl).toBe(
      'rediss://cache.example:6380',
    );
    expect(problemsOf(() => validateConfig({ redisUrl: 'http://127.0.0.1:6379' }))).toEqual([
      'redisUrl',
    ]);
    expect(problemsOf(() => validateConfig({ redisUrl: 'not a url' }))).toEqual(['redisUrl']);
  });

  it('unsafe development settings announce themselves', () => {
    const dev = validateConfig();
    expect(configWarnings(dev, { masterKeySource: 'file', store: 'sqlite' })).toHaveLength(1);
    const risky = validateConfig({ issuer: 'http://auth.example.com', 'wsse.lifetimeSeconds': -1 });
    expect(configWarnings(risky, { masterKeySource: 'env', store: 'sqlite' })).toHaveLength(2);
    const production = validateConfig({ issuer: 'https://auth.example.com' });
    expect(configWarnings(production, { masterKeySource: 'env', store: 'postgres' })).toEqual([]);
  });

  it.each([
    ['a query', 'https://auth.example.com/?tenant=1', /no query or fragment/],
    ['a fragment', 'https://auth.example.com#x', /no query or fragment/],
    ['an empty query', 'https://auth.example.com?', /no query or fragment/],
    ['credentials', 'https://user:pw@auth.example.com', /credentials/],
    ['an upper-case host', 'https://AUTH.example.com', /use https:\/\/auth\.example\.com$/],
    [
      'the default port',
      'https://auth.example.com:443/id',
      /use https:\/\/auth\.example\.com\/id$/,
    ],
    ['a dot segment', 'https://auth.example.com/a/../id', /use https:\/\/auth\.example\.com\/id$/],
  ])('an issuer with %s is refused: clients compare it as a string', (_label, issuer, message) => {
    expect(() => validateConfig({ issuer })).toThrow(message);
  });

  it('an issuer with a path or a trailing slash is kept, without the slash', () => {
    expect(validateConfig({ issuer: 'https://auth.example.com/' }).issuer).toBe(
      'https://auth.example.com',
    );
    expect(validateConfig({ issuer: 'https://example.com:8443/auth/' }).issuer).toBe(
      'https://example.com:8443/auth',
    );
  });

  it('issuerSource says whether the issuer was set or defaulted to http://<host>:<port>', () => {
    expect(validateConfig({ port: 8081 })).toMatchObject({
      issuer: 'http://127.0.0.1:8081',
      issuerSource: 'default',
    });
    expect(readConfig({ env: { KEYGATE_ISSUER: '' }, flags: {} }).issuerSource).toBe('default');
    expect(
      readConfig({ env: { KEYGATE_ISSUER: 'https://auth.example.com/' }, flags: {} }),
    ).toMatchObject({ issuer: 'https://auth.example.com', issuerSource: 'configured' });
  });

  it('a defaulted issuer on PostgreSQL warns that instances must share KEYGATE_ISSUER (S-2)', () => {
    const defaulted = validateConfig({ port: 8081 });
    expect(configWarnings(defaulted, { masterKeySource: 'env', store: 'postgres' })).toEqual([
      "issuer defaults to http://127.0.0.1:8081, this process's own address, on a shared PostgreSQL database; set KEYGATE_ISSUER to the public URL shared by every instance, or they reject each other's tokens",
    ]);
    // The same URL set explicitly is a deliberate choice: nothing to say.
    const configured = validateConfig({ port: 8081, issuer: 'http://127.0.0.1:8081' });
    expect(configWarnings(configured, { masterKeySource: 'env', store: 'postgres' })).toEqual([]);
    // One SQLite file serves one process, so its own address is the right issuer.
    expect(configWarnings(defaulted, { masterKeySource: 'env', store: 'sqlite' })).toEqual([]);
  });
});
