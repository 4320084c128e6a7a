import type { UsernameToken } from './username_token.js';

/** The header's field names in the order `formatWsseHeader` writes them. Case-sensitive. */
export const WSSE_FIELD_NAMES = ['Username', 'PasswordDigest', 'Nonce', 'Created'] as const;

/**
 * Why an `X-WSSE` value was refused. A closed union: callers switch on it, tests assert it.
 *
 * - `too_long`: longer than `maxLength` (checked before anything else).
 * - `not_username_token`: does not start with the word `UsernameToken` and whitespace.
 * - `syntax`: anything else malformed (no `=`, unquoted or unterminated value, no comma).
 * - `unknown_field`: a field name other than {@link WSSE_FIELD_NAMES}.
 * - `duplicate_field`: a field given twice.
 * - `missing_field`: a required field absent.
 * - `empty_value`: a field given as `""`.
 */
export type WsseHeaderFault =
  | 'too_long'
  | 'not_username_token'
  | 'syntax'
  | 'unknown_field'
  | 'duplicate_field'
  | 'missing_field'
  | 'empty_value';

/**
 * Outcome of {@link parseWsseHeader}. A fault's `description` is safe to send to the client:
 * it says what to fix and never contains a field value.
 */
export type WsseHeaderParseResult =
  | { readonly ok: true; readonly token: UsernameToken }
  | { readonly ok: false; readonly reason: WsseHeaderFault; readonly description: string };

/** Options for {@link parseWsseHeader}. */
export interface ParseWsseHeaderOptions {
  /** Longest accepted value in UTF-16 code units. Default 4096 (W-1's 4 KiB). */
  readonly maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 4096;
const PREFIX = 'usernametoken';
const FIELD_LIST = WSSE_FIELD_NAMES.join(', ');
const MAX_ECHOED_NAME = 32;

type Fields = [string | undefined, string | undefined, string | undefined, string | undefined];

function fault(reason: WsseHeaderFault, description: string): WsseHeaderParseResult {
  return { ok: false, reason, description };
}

/** RFC 9110 optional whitespace: space and horizontal tab. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x2d
  );
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** True when `UsernameToken` (ASCII case-insensitive) followed by whitespace starts at `at`. */
function prefixAt(text: string, at: number): boolean {
  if (text.length < at + PREFIX.length + 1) return false;
  for (let k = 0; k < PREFIX.length; k++) {
    // ASCII-only folding: toLowerCase() would also fold e.g. U+212A KELVIN SIGN to "k".
    if ((text.charCodeAt(at + k) | 0x20) !== PREFIX.charCodeAt(k)) return false;
  }
  return isWhitespace(text.charCodeAt(at + PREFIX.length));
}

function fieldIndex(name: string): number {
  return (WSSE_FIELD_NAMES as readonly string[]).indexOf(name);
}

/**
 * Parses an `X-WSSE` header value (W-1):
 * `UsernameToken Username="…", PasswordDigest="…", Nonce="…", Created="…"`.
 *
 * Accepted grammar: optional leading whitespace; the word `UsernameToken` in any ASCII case
 * and at least one space or tab; then `Name="value"` fields separated by commas, with free
 * spaces and tabs around `,` and `=`; one trailing comma and trailing whitespace tolerated.
 * Field names are case-sensitive, each of {@link WSSE_FIELD_NAMES} is required exactly once,
 * in any order. Values are double-quoted without escapes, non-empty, and are returned exactly
 * as sent (commas inside quotes are data: RFC 2822 `Created` values contain one).
 *
 * A doubled prefix (`UsernameToken UsernameToken Username=…`) is also accepted: Penneo's
 * documented Node.js example prepends `UsernameToken ` to the npm `wsse` package's
 * `getWSSEHeader()`, which already starts with it, and the vendors' servers accept the result.
 *
 * Runs in time linear in the input, never throws on any string, and checks the length
 * before doing anything else.
 *
 * @param value - The raw header value.
 * @param options - `maxLength` (default 4096).
 * @returns The token, or a fault with a client-safe description.
 * @throws TypeError when `value` is not a string or `maxLength` is not a positive integer.
 */
export function parseWsseHeader(
  value: string,
  options?: ParseWsseHeaderOptions,
): WsseHeaderParseResult {
  if (typeof value !== 'string') throw new TypeError('parseWsseHeader: value must be a string');
  const maxLength = options?.maxLength ?? DEFAULT_MAX_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new TypeError('parseWsseHeader: maxLength must be a positive integer');
  }
  if (value.length > maxLength) {
    return fault('too_long', `The X-WSSE header must not exceed ${maxLength} characters.`);
  }

  let i = skipWhitespace(value, 0);
  if (!prefixAt(value, i)) {
    return fault(
      'not_username_token',
      'The X-WSSE header must start with "UsernameToken " followed by the Username, PasswordDigest, Nonce and Created fields.',
    );
  }
  i = skipWhitespace(value, i + PREFIX.length);
  if (prefixAt(value, i)) i = skipWhitespace(value, i + PREFIX.length);

  const fields: Fields = [undefined, undefined, undefined, undefined];
  while (i < value.length) {
    const nameStart = i;
    while (i < value.length && isNameChar(value.charCodeAt(i))) i++;
    if (i === nameStart) {
      return fault(
        'syntax',
        `Expected a field name at character ${i + 1} of the X-WSSE header; write fields as Name="value", separated by commas.`,
      );
    }
    const name = value.slice(nameStart, i);
    const index = fieldIndex(name);
    if (index < 0) {
      const shown = name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}…` : name;
      return fault(
        'unknown_field',
        `Unknown field "${shown}" in the X-WSSE header; the fields are ${FIELD_LIST} (case-sensitive).`,
      );
    }
    if (fields[index] !== undefined) {
      return fault(
        'duplicate_field',
        `The ${name} field appears more than once in the X-WSSE header.`,
      );
    }
    i = skipWhitespace(value, i);
    if (value.charCodeAt(i) !== 0x3d) {
      return fault('syntax', `Expected "=" after ${name} in the X-WSSE header.`);
    }
    i = skipWhitespace(value, i + 1);
    if (value.charCodeAt(i) !== 0x22) {
      return fault('syntax', `The value of ${name} must be enclosed in double quotes.`);
    }
    const close = value.indexOf('"', i + 1);
    if (close < 0) {
      return fault('syntax', `The value of ${name} has no closing double quote.`);
    }
    if (close === i + 1) {
      return fault('empty_value', `The ${name} field must not be empty.`);
    }
    fields[index] = value.slice(i + 1, close);
    i = skipWhitespace(value, close + 1);
    if (i === value.length) break;
    if (value.charCodeAt(i) !== 0x2c) {
      return fault(
        'syntax',
        `Expected a comma after the ${name} field at character ${i + 1} of the X-WSSE header.`,
      );
    }
    i = skipWhitespace(value, i + 1);
  }

  const [username, passwordDigest, nonce, created] = fields;
  if (
    username === undefined ||
    passwordDigest === undefined ||
    nonce === undefined ||
    created === undefined
  ) {
    const missing = WSSE_FIELD_NAMES.filter((_, k) => fields[k] === undefined).join(', ');
    return fault('missing_field', `The X-WSSE header is missing required field(s): ${missing}.`);
  }
  return { ok: true, token: { username, passwordDigest, nonce, created } };
}
