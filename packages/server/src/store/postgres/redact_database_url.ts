/**
 * A database URL safe to print: the password (and any query parameter whose name contains `password`, such as `sslpassword`) replaced by
 * `***`, the user name kept so an operator can still tell which role is meant. Used in every
 * message and log line that names the database. A value that is not a URL is not echoed at all.
 * @param url - the configured `databaseUrl`.
 */
export function redactDatabaseUrl(url: string): string {
  if (!URL.canParse(url)) return '<not a URL>';
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  for (const name of [...parsed.searchParams.keys()]) {
    if (name.toLowerCase().includes('password')) parsed.searchParams.set(name, '***');
  }
  return parsed.toString();
}
