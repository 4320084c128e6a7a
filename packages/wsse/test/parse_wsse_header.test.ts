import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsernameToken as NpmUsernameToken } from 'wsse';
import { decodeBase64Lenient } from '../src/base64.js';
import {
  parseWsseHeader,
  WSSE_FIELD_NAMES,
  type WsseHeaderFault,
  type WsseHeaderParseResult,
} from '../src/parse_wsse_header.js';
import { verifyPasswordDigest } from '../src/verify_password_digest.js';

const DIGEST = 'wE/8+Y848LQQDu2WA+0wHYTnK84=';
const TOKEN = {
  username: 'ak_9f2c1e7d',
  passwordDigest: DIGEST,
  nonce: 'MjU1NGRjNjllMGI3ODgzYw==',
  created: 'Sun, 22 Nov 2026 10:15:30 +0100',
};
const VALID = `UsernameToken Username="${TOKEN.username}", PasswordDigest="${DIGEST}", Nonce="${TOKEN.nonce}", Created="${TOKEN.created}"`;

const FAULTS: readonly WsseHeaderFault[] = [
  'too_long',
  'not_username_token',
  'syntax',
  'unknown_field',
  'duplicate_field',
  'missing_field',
  'empty_value',
];

function expectWellFormed(result: WsseHeaderParseResult): void {
  if (result.ok) {
    for (const value of Object.values(result.token)) {
      expect(value.length).toBeGreaterThan(0);
      expect(value).not.toContain('"');
    }
  } else {
    expect(FAULTS).toContain(result.reason);
    expect(result.description.length).toBeGreaterThan(0);
  }
}

describe('parseWsseHeader: accepted shapes (W-1)', () => {
  it('parses the canonical header, keeping the comma inside Created', () => {
    expect(parseWsseHeader(VALID)).toEqual({ ok: true, token: TOKEN });
  });

  it.each([
    [
      'any field order',
      `UsernameToken Created="${TOKEN.created}", Nonce="${TOKEN.nonce}", Username="${TOKEN.username}", PasswordDigest="${DIGEST}"`,
    ],
    [
      'no whitespace around commas',
      `UsernameToken Username="${TOKEN.username}",PasswordDigest="${DIGEST}",Nonce="${TOKEN.nonce}",Created="${TOKEN.created}"`,
    ],
    [
      'spaces and tabs around "=" and ","',
      `UsernameToken \t Username = "${TOKEN.username}" ,\tPasswordDigest\t=\t"${DIGEST}"  ,  Nonce= "${TOKEN.nonce}" ,Created ="${TOKEN.created}"`,
    ],
    ['a trailing comma', `${VALID},`],
    ['a trailing comma and whitespace', `${VALID} , \t`],
    ['leading and trailing whitespace', ` \t${VALID} `],
    ['a lower-case prefix', VALID.replace('UsernameToken', 'usernametoken')],
    ['an upper-case prefix', VALID.replace('UsernameToken', 'USERNAMETOKEN')],
    ['a tab after the prefix', VALID.replace('UsernameToken ', 'UsernameToken\t')],
    ['a doubled prefix (Penneo JS sample + npm wsse)', `UsernameToken ${VALID}`],
  ])('accepts %s', (_why, header) => {
    expect(parseWsseHeader(header)).toEqual({ ok: true, token: TOKEN });
  });

  it('returns values exactly as sent, including "=", "," and non-ASCII', () => {
    const result = parseWsseHeader(
      'UsernameToken Username=" a=b, c ", PasswordDigest="x", Nonce="ü€😀", Created="\u0000"',
    );
    expect(result).toEqual({
      ok: true,
      token: { username: ' a=b, c ', passwordDigest: 'x', nonce: 'ü€😀', created: '\u0000' },
    });
  });

  it('accepts a header made by the npm wsse package and its digest verifies', () => {
    const npm = new NpmUsernameToken({ username: 'bob', password: 'taadtaadpstcsm' });
    const result = parseWsseHeader(npm.getWSSEHeader({ nonceBase64: true }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.token.username).toBe('bob');
    const { passwordDigest, nonce, created } = result.token;
    expect(
      verifyPasswordDigest(passwordDigest, decodeBase64Lenient(nonce), created, 'taadtaadpstcsm'),
    ).toBe(true);
  });

  it("accepts Penneo's documented JS sample ('UsernameToken ' + getWSSEHeader())", () => {
    const npm = new NpmUsernameToken({ username: 'myAPIKey', password: 'myAPISecret' });
    const header = `UsernameToken ${npm.getWSSEHeader({ nonceBase64: true })}`;
    const result = parseWsseHeader(header);
    expect(result.ok && result.token.username).toBe('myAPIKey');
  });

  it('exports the field names in header order', () => {
    expect(WSSE_FIELD_NAMES).toEqual(['Username', 'PasswordDigest', 'Nonce', 'Created']);
  });
});

describe('parseWsseHeader: faults', () => {
  const cases: readonly [WsseHeaderFault, string][] = [
    ['too_long', `${VALID}${' '.repeat(4097 - VALID.length)}`],
    ['too_long', 'x'.repeat(5000)],
    ['not_username_token', ''],
    ['not_username_token', 'Username="a", PasswordDigest="b", Nonce="c", Created="d"'],
    ['not_username_token', VALID.replace('UsernameToken ', 'UsernameToken,')],
    ['not_username_token', VALID.replace('UsernameToken ', 'UsernameTokens ')],
    ['not_username_token', VALID.replace('UsernameToken', 'UsernameToKen'.replace('K', '\u212a'))],
    ['not_username_token', `WSSE profile="UsernameToken"`],
    ['not_username_token', 'UsernameToken'],
    ['syntax', VALID.replace('", PasswordDigest', '" PasswordDigest')],
    ['syntax', VALID.replace('Username="ak_9f2c1e7d"', 'Username=ak_9f2c1e7d')],
    ['syntax', VALID.replace('Username="', 'Username:"')],
    ['syntax', `UsernameToken Username="a", PasswordDigest="b", Nonce="c", Created="d`],
    ['syntax', `UsernameToken Username="a",, PasswordDigest="b", Nonce="c", Created="d"`],
    ['syntax', `UsernameToken , Username="a", PasswordDigest="b", Nonce="c", Created="d"`],
    ['syntax', VALID.replace('Username="', "Username='").replace('", Pass', "', Pass")],
    ['syntax', `UsernameToken Username="a", PasswordDigest="b", Nonce="c", Created="d"x`],
    ['syntax', `UsernameToken Username="a"\n, PasswordDigest="b", Nonce="c", Created="d"`],
    ['unknown_field', `${VALID}, Realm="x"`],
    ['unknown_field', VALID.replace('Username=', 'username=')],
    ['unknown_field', VALID.replace('PasswordDigest=', 'Password=')],
    ['duplicate_field', `${VALID}, Nonce="other"`],
    ['duplicate_field', `${VALID}, Username=""`],
    ['missing_field', 'UsernameToken Username="a", PasswordDigest="b", Nonce="c"'],
    ['missing_field', 'UsernameToken '],
    ['missing_field', 'UsernameToken \t '],
    ['empty_value', VALID.replace(`Nonce="${TOKEN.nonce}"`, 'Nonce=""')],
    ['empty_value', 'UsernameToken Username=""'],
  ];

  it.each(cases)('%s: %j', (reason, header) => {
    const result = parseWsseHeader(header);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(reason);
  });

  it('produces every fault reason from the cases above', () => {
    expect(new Set(cases.map(([reason]) => reason))).toEqual(new Set(FAULTS));
  });

  it.each(cases)('%s description never echoes the digest or a value', (_reason, header) => {
    const result = parseWsseHeader(header);
    if (result.ok) throw new Error('expected a fault');
    expect(result.description).not.toContain(DIGEST);
    expect(result.description).not.toContain(TOKEN.nonce);
    expect(result.description).not.toContain(TOKEN.username);
  });

  it('names what is missing', () => {
    const result = parseWsseHeader('UsernameToken Username="a", Nonce="c"');
    expect(result).toMatchObject({ ok: false, reason: 'missing_field' });
    expect(!result.ok && result.description).toContain('PasswordDigest, Created');
  });

  it('truncates a long unknown field name in the description', () => {
    const result = parseWsseHeader(`UsernameToken ${'A'.repeat(500)}="x"`);
    expect(result).toMatchObject({ ok: false, reason: 'unknown_field' });
    expect(!result.ok && result.description.length).toBeLessThan(200);
  });

  it('checks the length before anything else', () => {
    const result = parseWsseHeader(`garbage${'"'.repeat(5000)}`);
    expect(result).toMatchObject({ ok: false, reason: 'too_long' });
  });

  it('honours maxLength exactly', () => {
    expect(parseWsseHeader(VALID, { maxLength: VALID.length }).ok).toBe(true);
    expect(parseWsseHeader(VALID, { maxLength: VALID.length - 1 })).toMatchObject({
      ok: false,
      reason: 'too_long',
    });
    const long = `UsernameToken Username="a", PasswordDigest="b", Nonce="${'n'.repeat(5000)}", Created="d"`;
    expect(parseWsseHeader(long, { maxLength: 10_000 }).ok).toBe(true);
    expect(parseWsseHeader(`${VALID}${' '.repeat(4096 - VALID.length)}`).ok).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'throws TypeError for maxLength %s (caller misuse)',
    (maxLength) => {
      expect(() => parseWsseHeader(VALID, { maxLength })).toThrow(TypeError);
    },
  );

  it('throws TypeError for a non-string value (caller misuse)', () => {
    expect(() => parseWsseHeader(undefined as unknown as string)).toThrow(TypeError);
  });
});

type Field = { readonly name: string; readonly value: string };

/** What the grammar says a structured header must parse to. */
function expected(text: string, fields: readonly Field[]): WsseHeaderFault | 'ok' {
  if (text.length > 4096) return 'too_long';
  const seen = new Set<string>();
  for (const { name, value } of fields) {
    if (!(WSSE_FIELD_NAMES as readonly string[]).includes(name)) return 'unknown_field';
    if (seen.has(name)) return 'duplicate_field';
    if (value === '') return 'empty_value';
    seen.add(name);
  }
  return seen.size === 4 ? 'ok' : 'missing_field';
}

const quoteFree = (maxLength: number) =>
  fc.string({ unit: 'binary', maxLength }).map((s) => s.replaceAll('"', ''));
const ows = fc.constantFrom('', ' ', '\t', '  ', ' \t ');

describe('parseWsseHeader: properties', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expectWellFormed(parseWsseHeader(text));
        expectWellFormed(parseWsseHeader(`UsernameToken ${text}`));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary UTF-16 including lone surrogates', () => {
    const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 300 }), (text) => {
        expectWellFormed(parseWsseHeader(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on random edits of a valid header', () => {
    const edit = fc.record({
      at: fc.nat({ max: VALID.length }),
      remove: fc.nat({ max: 5 }),
      insert: fc.string({
        unit: fc.constantFrom('"', ',', '=', ' ', '\t', 'a', 'Nonce', 'UsernameToken', '\u00ff'),
        maxLength: 4,
      }),
    });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 5 }), (edits) => {
        let text = VALID;
        for (const { at, remove, insert } of edits) {
          text = text.slice(0, at) + insert + text.slice(at + remove);
        }
        expectWellFormed(parseWsseHeader(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('reorders, drops, duplicates and pads fields with the outcome the grammar predicts', () => {
    const field = fc.record({
      name: fc.oneof(
        { weight: 10, arbitrary: fc.constantFrom<string>(...WSSE_FIELD_NAMES) },
        { weight: 1, arbitrary: fc.constantFrom('Realm', 'nonce', 'X-Extra') },
      ),
      value: fc.oneof(
        { weight: 10, arbitrary: quoteFree(40) },
        { weight: 1, arbitrary: quoteFree(3000) },
      ),
    });
    const header = fc.record({
      prefix: fc.constantFrom('UsernameToken', 'usernametoken', 'UsernameToken UsernameToken'),
      fields: fc.array(field, { maxLength: 7 }),
      before: ows,
      after: ows.map((s) => s || ' '),
      gapBefore: ows,
      gapAfter: ows,
      eqBefore: ows,
      eqAfter: ows,
      trailingComma: fc.boolean(),
      end: ows,
    });
    fc.assert(
      fc.property(header, (h) => {
        const body = h.fields
          .map((f) => `${f.name}${h.eqBefore}=${h.eqAfter}"${f.value}"`)
          .join(`${h.gapBefore},${h.gapAfter}`);
        const text = `${h.before}${h.prefix}${h.after}${body}${h.trailingComma && body ? ',' : ''}${h.end}`;
        const want = expected(text, h.fields);
        const result = parseWsseHeader(text);
        if (want === 'ok') {
          const value = (name: string) => h.fields.find((f) => f.name === name)?.value;
          expect(result).toEqual({
            ok: true,
            token: {
              username: value('Username'),
              passwordDigest: value('PasswordDigest'),
              nonce: value('Nonce'),
              created: value('Created'),
            },
          });
        } else {
          expect(result).toMatchObject({ ok: false, reason: want });
        }
      }),
      { numRuns: 2000 },
    );
  });
});
