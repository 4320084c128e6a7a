/** A status and the body exactly as sent. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** How long one pre-flight or probe request may take. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * `GET <baseUrl>/api/v1/me` once, with `headers` (e.g. `x-wsse` or `authorization`), 10 s at
 * most.
 */
export async function getMe(
  baseUrl: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<HttpAnswer> {
  const response = await fetch(`${baseUrl}/api/v1/me`, {
    headers,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text() };
}

/** POSTs `body` to `url` with the given content type, 10 s at most. */
export async function post(url: string, body: string, contentType: string): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text() };
}

/** Parses a JSON body (a token answer, a principal); null unless it is a JSON object. */
export function parseJsonObject(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The parsed token answer when it carries a non-empty `access_token`; else null. */
export function withAccessToken(body: string): Record<string, unknown> | null {
  const parsed = parseJsonObject(body);
  return parsed !== null && typeof parsed.access_token === 'string' && parsed.access_token !== ''
    ? parsed
    : null;
}

/**
 * Checks that a request the server must refuse was refused with `status` and the JSON error
 * code `code`.
 * @param what - the request, for the error message (`a replayed header`).
 * @throws Error with the answer when it was not.
 */
export function expectRefusal(
  answer: HttpAnswer,
  status: number,
  code: string,
  what: string,
): void {
  const error = parseJsonObject(answer.body)?.error;
  if (answer.status !== status || error !== code) {
    throw new Error(`${what} answered ${describeAnswer(answer)}; expected ${status} ${code}`);
  }
}

/**
 * Checks that `token` is what keygate issues, an ES256-signed JWT access token (`typ`
 * `at+jwt`, RFC 9068), by its JOSE header.
 * @param issuer - who issued it, for the error message.
 * @returns the header, for the record.
 * @throws Error naming the header when it is not.
 */
export function expectAtJwt(token: string, issuer: string): Record<string, unknown> {
  const header = parseJsonObject(
    Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'),
  );
  if (header?.alg !== 'ES256' || header.typ !== 'at+jwt') {
    throw new Error(`${issuer} issued an access token with header ${JSON.stringify(header)}`);
  }
  return header;
}

/** `<status> <first 200 characters of the body>`, for error messages. */
export function describeAnswer(answer: HttpAnswer): string {
  return `${answer.status} ${answer.body.slice(0, 200)}`;
}
