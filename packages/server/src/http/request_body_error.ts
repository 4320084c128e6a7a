/**
 * A request body refused while parsing (400). Its message is written by keygate and sent as
 * the error description as it is: it never quotes the body.
 */
export class RequestBodyError extends Error {
  override readonly name = 'RequestBodyError';
  readonly statusCode = 400;
  readonly code = 'KG_REQUEST_BODY';
}
