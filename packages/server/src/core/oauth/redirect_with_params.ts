/**
 * Adds response parameters to a registered redirect URI (O-2, O-3): the result is the
 * registered string, byte for byte, then `?` (or `&` after an existing query, nothing after a
 * trailing `?` or `&`), then the parameters form-encoded. The registered part is never parsed
 * and re-serialised, which would rewrite its query (`%20` → `+`, `&d` → `&d=`). Null values
 * are left out; `state` arrives byte-exact after form-decoding.
 */
export function redirectWithParams(
  redirectUri: string,
  params: Readonly<Record<string, string | null>>,
): string {
  const added = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null) added.append(name, value);
  }
  const query = added.toString();
  if (query === '') return redirectUri;
  const separator = !redirectUri.includes('?') ? '?' : /[?&]$/.test(redirectUri) ? '' : '&';
  return `${redirectUri}${separator}${query}`;
}
