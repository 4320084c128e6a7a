/** What `GET /api/v1/me` answered once. */
export interface MeAnswer {
  readonly status: number;
  /** The body exactly as sent. */
  readonly body: string;
}

/**
 * `GET <baseUrl>/api/v1/me` once, with `headers` (e.g. `x-wsse` or `authorization`), 10 s at
 * most.
 */
export async function getMe(
  baseUrl: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<MeAnswer> {
  const response = await fetch(`${baseUrl}/api/v1/me`, {
    headers,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}

/** The `error` code of a JSON error body; undefined when there is none. */
export function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Proves keygate really authenticates before it is measured, so a misconfiguration cannot
 * pass for speed: no header → 401 `authentication_required`; a fresh header → 200 with the
 * principal of `expectedKey`; the same header again → 401 `nonce_replayed`.
 * @param baseUrl - keygate's URL.
 * @param makeHeader - builds a fresh X-WSSE header value.
 * @param expectedKey - the API key the header is signed for.
 * @returns keygate's 200 body (the principal), for the bare server to answer the same bytes.
 * @throws Error describing the first answer that is not as expected.
 */
export async function checkKeygateAuthenticates(
  baseUrl: string,
  makeHeader: () => string,
  expectedKey: string,
): Promise<string> {
  const anonymous = await getMe(baseUrl);
  if (anonymous.status !== 401 || errorCode(anonymous.body) !== 'authentication_required') {
    throw new Error(`keygate answered ${anonymous.status} without X-WSSE; expected 401`);
  }
  const header = makeHeader();
  const first = await getMe(baseUrl, { 'x-wsse': header });
  if (first.status !== 200) {
    throw new Error(`keygate refused a fresh header: ${first.status} ${first.body}`);
  }
  const principal = JSON.parse(first.body) as { credential?: { key?: unknown } };
  if (principal.credential?.key !== expectedKey) {
    throw new Error('keygate authenticated the request as a different credential');
  }
  const replay = await getMe(baseUrl, { 'x-wsse': header });
  if (replay.status !== 401 || errorCode(replay.body) !== 'nonce_replayed') {
    throw new Error(`keygate answered ${replay.status} to a replayed header; expected 401`);
  }
  return first.body;
}

/**
 * Checks the bare server answers 200 with `expectedBody` to a request carrying a header.
 * @throws Error when it does not.
 */
export async function checkBareAnswers(
  baseUrl: string,
  header: string,
  expectedBody: string,
): Promise<void> {
  const answer = await getMe(baseUrl, { 'x-wsse': header });
  if (answer.status !== 200 || answer.body !== expectedBody) {
    throw new Error(
      `bare server answered ${answer.status} ${answer.body}; expected 200 and keygate's body`,
    );
  }
}
