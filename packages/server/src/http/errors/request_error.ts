import { KeygateError } from '../../core/errors.js';

/** Codes of {@link RequestError}. */
export type RequestErrorCode = 'invalid_request' | 'not_found';

/**
 * A request keygate cannot read, refused before any rule ran: a schema failure, a body that
 * does not parse, a URL the router cannot read (`invalid_request`, 4xx), or an address with no
 * endpoint (`not_found`, 404). Its description is written by keygate and never quotes the
 * request, whose body may hold a password and whose URL may hold a token.
 */
export class RequestError extends KeygateError<RequestErrorCode> {
  override readonly name = 'RequestError';
  constructor(description: string, status = 400, code: RequestErrorCode = 'invalid_request') {
    super(code, description, { status });
  }
}
