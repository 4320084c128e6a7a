/**
 * Adds response parameters to a registered redirect URI, keeping its own fixed query (O-2).
 * `state` is passed through URLSearchParams, so it arrives byte-exact after decoding.
 */
export function redirectWithParams(
  redirectUri: string,
  params: Readonly<Record<string, string | null>>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== null) url.searchParams.append(name, value);
  }
  return url.toString();
}
