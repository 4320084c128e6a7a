import { REQUEST_LIMITS } from './request_limits.js';

/** A JSON Schema for one string of at most `maxLength` characters. */
export function stringField(maxLength: number) {
  return { type: 'string', maxLength } as const;
}

/**
 * The JSON Schema of a body or query string made of single string fields: at most
 * {@link REQUEST_LIMITS.fields} of them, the listed ones typed as given, any other one a
 * string of at most {@link REQUEST_LIMITS.otherField} characters. A form field sent twice
 * arrives as an array and so fails its `string` type, exactly as a JSON number or object does.
 */
export function flatObjectSchema(
  properties: Readonly<Record<string, object>>,
  required: readonly string[] = [],
) {
  return {
    type: 'object',
    maxProperties: REQUEST_LIMITS.fields,
    properties,
    additionalProperties: stringField(REQUEST_LIMITS.otherField),
    ...(required.length > 0 ? { required } : {}),
  } as const;
}
