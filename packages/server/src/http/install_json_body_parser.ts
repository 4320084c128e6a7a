import type { FastifyInstance } from 'fastify';
import { RequestError } from './errors/request_error.js';
import { findDuplicateJsonKey } from './find_duplicate_json_key.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Replaces Fastify's `application/json` parser for the whole app with a stricter one: the body
 * must be valid UTF-8 (instead of being silently repaired with U+FFFD), `__proto__` and
 * `constructor.prototype` keys are refused (Fastify's `onProtoPoisoning`/`onConstructorPoisoning`
 * `error`), and so is a key repeated in one object. A repeated key is refused rather than
 * "last one wins" so JSON bodies follow the same rule as form bodies, where RFC 6749 §3.2
 * forbids repeating a parameter.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = UTF8.decode(body as Buffer);
    } catch {
      done(new RequestError('The JSON body is not valid UTF-8.'), undefined);
      return;
    }
    parseJson(request, text, (error, value) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const duplicate = findDuplicateJsonKey(text);
      if (duplicate !== null) {
        const name = /^[\w.-]{1,64}$/.test(duplicate) ? ` "${duplicate}"` : '';
        done(
          new RequestError(`The JSON body repeats the key${name}; send each field once.`),
          undefined,
        );
        return;
      }
      done(null, value);
    });
  });
}
