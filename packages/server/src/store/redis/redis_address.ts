/**
 * Names a Redis server for messages and logs as `host:port` (and database when not 0), never
 * with the user name or password a `redis://user:password@host` URL may carry.
 * @param url - the configured `redis://` or `rediss://` URL.
 */
export function redisAddress(url: string): string {
  if (!URL.canParse(url)) return 'Redis (unparsable URL)';
  const parsed = new URL(url);
  const host = parsed.hostname === '' ? '127.0.0.1' : parsed.hostname;
  const port = parsed.port === '' ? '6379' : parsed.port;
  const db = parsed.pathname.replace(/^\//, '');
  return `${parsed.protocol}//${host}:${port}${db !== '' && db !== '0' ? `/${db}` : ''}`;
}
