import type { FastifyError, FastifySchemaValidationError } from 'fastify';

type Context = NonNullable<FastifyError['validationContext']>;

const WHOLE: Readonly<Record<Context, string>> = {
  body: 'The body',
  querystring: 'The query string',
  headers: 'The headers',
  params: 'The path',
};

// Fastify's own request errors whose messages are fixed text (none quotes the request).
const FIXED: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE:
    'The Content-Type is not accepted here; send application/x-www-form-urlencoded or application/json.',
  FST_ERR_CTP_EMPTY_TYPE: 'The body has no Content-Type.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The body is too large.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The body size does not match Content-Length.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The JSON body is empty.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
};

function fieldName(context: Context, path: string): string | null {
  const name = path.split('/')[1];
  if (name === undefined || name === '') return null;
  const readable = name.replaceAll('~1', '/').replaceAll('~0', '~');
  if (!/^[\w.-]{1,64}$/.test(readable)) return 'a field';
  return context === 'headers' ? `The ${readable} header` : readable;
}

function describeValidation(context: Context, failure: FastifySchemaValidationError): string {
  const field = fieldName(context, failure.instancePath);
  const subject = field ?? WHOLE[context];
  const limit = failure.params.limit;
  switch (failure.keyword) {
    case 'type': {
      if (field === null) {
        return 'Send the body as a JSON object or application/x-www-form-urlencoded.';
      }
      const type = String(failure.params.type);
      if (type.includes('boolean')) return `${subject} must be true or false.`;
      return `${subject} must be sent once, as a single string.`;
    }
    case 'maxLength':
      return `${subject} must be at most ${limit} characters long.`;
    case 'minLength':
      return `${subject} must not be empty.`;
    case 'maxItems':
      return `${subject} was sent more than ${limit} times.`;
    case 'maxProperties':
      return `${subject} has more than ${limit} fields.`;
    case 'required': {
      const missing = fieldName(context, `/${String(failure.params.missingProperty)}`);
      return `${missing ?? 'a field'} is required.`;
    }
    default:
      return `${subject} is not valid.`;
  }
}

/**
 * The description sent for a request Fastify refused before its handler ran: a schema
 * failure names the field and the rule it broke, a body-parsing failure says what was wrong.
 * It never quotes the request (a body may hold a password, a query string a token).
 */
export function describeRequestError(error: FastifyError): string {
  const failure = error.validation?.[0];
  if (failure) return describeValidation(error.validationContext ?? 'body', failure);
  return FIXED[error.code] ?? 'The request is not valid.';
}
