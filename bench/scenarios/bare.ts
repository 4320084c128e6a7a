/**
 * The `bare` baseline of the `wsse` and `bearer` scenarios: a Fastify route answering
 * keygate's principal without authentication (`servers/bare_server.ts`), driven with the
 * `wsse` scenario's request.
 *
 * @packageDocumentation
 */
import { getMe } from '../lib/http_answers.js';

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
