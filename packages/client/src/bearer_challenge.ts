/** The realm of every challenge a resource server sends. */
const REALM = 'keygate';

/**
 * A quoted-string (RFC 9110 §5.6.4): quotes and backslashes escaped, anything but printable
 * ASCII replaced by a space, so no value can break or split the header.
 */
function quoted(value: string): string {
  const printable = value.replaceAll(/[^\x20-\x7e]/g, ' ');
  return `"${printable.replaceAll(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * An RFC 6750 §3 `Bearer` challenge: `Bearer realm="keygate"` followed by `params` (`error`,
 * `error_description`, `scope`), each as a quoted-string. No params is the challenge for a
 * request that sent no credential (§3.1: no error code then).
 */
export function bearerChallenge(params: Readonly<Record<string, string>> = {}): string {
  const rest = Object.entries(params).map(([name, value]) => `, ${name}=${quoted(value)}`);
  return `Bearer realm=${quoted(REALM)}${rest.join('')}`;
}
