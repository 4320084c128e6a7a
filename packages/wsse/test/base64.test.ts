import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Lenient, encodeBase64 } from '../src/base64.js';
import { hex } from './vectors.js';

/** A literal transcription of PHP 8's php_base64_decode_impl (non-strict) over code units. */
function phpReference(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const out: number[] = [];
  let i = 0;
  let j = 0;
  for (const char of text) {
    for (let k = 0; k < char.length; k++) {
      const unit = char.charCodeAt(k);
      if (unit === 0x3d) continue;
      const ch = unit > 0xff ? -1 : alphabet.indexOf(String.fromCharCode(unit));
      if (ch < 0) continue;
      switch (i % 4) {
        case 0:
          out[j] = (ch << 2) & 0xff;
          break;
        case 1:
          out[j] = ((out[j] ?? 0) | (ch >> 4)) & 0xff;
          j++;
          out[j] = ((ch & 0x0f) << 4) & 0xff;
          break;
        case 2:
          out[j] = ((out[j] ?? 0) | (ch >> 2)) & 0xff;
          j++;
          out[j] = ((ch & 0x03) << 6) & 0xff;
          break;
        default:
          out[j] = ((out[j] ?? 0) | ch) & 0xff;
          j++;
          break;
      }
      i++;
    }
  }
  return Buffer.from(out.slice(0, j)).toString('hex');
}

const base64ish = fc.string({
  unit: fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom(
        ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
      ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '=',
        ' ',
        '\n',
        '\t',
        '-',
        '_',
        '.',
        '"',
        '\u00e9',
        '\u0151',
        '\u20ac',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 300,
});

describe('decodeBase64Lenient', () => {
  it.each([
    ['QUJD', '414243', 'canonical'],
    ['QQ==', '41', 'padded'],
    ['QQ', '41', 'missing padding'],
    ['QUI', '4142', 'missing single pad'],
    ['Q', '', 'single trailing char: its 6 bits are dropped'],
    ['QUJDR', '414243', 'single char after a full group'],
    ['QUJDRA', '41424344', 'two chars after a full group'],
    ['QQ==QUJD', '41041424', '"=" in the middle is skipped and decoding goes on'],
    ['=QUJD', '414243', 'leading "="'],
    ['QUJD====', '414243', 'excess padding'],
    ['QUI=x', '414231', 'data after padding still decodes'],
    ['QU JD\n!', '414243', 'whitespace and junk skipped'],
    ['Q-U_J.D', '414243', 'base64url characters are junk to PHP'],
    ['TWFu\tTWE=TQ==', '4d616e4d6113', 'padding inside, tab'],
    ['+/+/AAAA//++', 'fbffbf000000ffffbe', 'the + and / characters'],
    ['', '', 'empty'],
    ['===', '', 'only padding'],
    ['QU\u0151JD', '414243', 'U+0151 is skipped, not read as its low byte "Q"'],
    ['QU\u00e9\u20acJD', '414243', 'non-ASCII skipped as PHP skips every UTF-8 byte'],
  ])('%j → %s (%s)', (input, expected) => {
    // Expected values are PHP 8.2's bin2hex(base64_decode($input)) for the same bytes.
    expect(hex(decodeBase64Lenient(input))).toBe(expected);
  });

  it('agrees with Buffer on canonical base64 of any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64');
        expect(hex(decodeBase64Lenient(text))).toBe(Buffer.from(text, 'base64').toString('hex'));
        expect(hex(decodeBase64Lenient(text))).toBe(hex(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with Buffer on unpadded base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64').replace(/=+$/, '');
        expect(hex(decodeBase64Lenient(text))).toBe(hex(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it('matches a literal transcription of PHP on arbitrary strings', () => {
    fc.assert(
      fc.property(base64ish, (text) => {
        expect(hex(decodeBase64Lenient(text))).toBe(phpReference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('returns a buffer of exactly the decoded length', () => {
    const out = decodeBase64Lenient('QUJDRA==junk');
    expect(out.byteLength).toBe(out.buffer.byteLength);
  });

  const php = spawnSync('php', ['-v'], { encoding: 'utf8' });
  it.skipIf(php.status !== 0)('matches the real PHP base64_decode (differential)', () => {
    const inputs = fc.sample(base64ish, { numRuns: 500, seed: 4242 });
    const script =
      '$in = json_decode(stream_get_contents(STDIN), true);' +
      'echo json_encode(array_map(fn($s) => bin2hex(base64_decode($s)), $in));';
    const run = spawnSync('php', ['-r', script], {
      input: JSON.stringify(inputs),
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const expected = JSON.parse(run.stdout) as string[];
    expect(expected).toHaveLength(inputs.length);
    inputs.forEach((input, k) => {
      expect(hex(decodeBase64Lenient(input)), JSON.stringify(input)).toBe(expected[k]);
    });
  });
});

describe('encodeBase64', () => {
  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ])('RFC 4648 test vector %j → %j', (input, expected) => {
    expect(encodeBase64(new TextEncoder().encode(input))).toBe(expected);
  });

  it('agrees with Buffer for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes a subarray view, not its whole buffer', () => {
    const view = new Uint8Array([0xff, 0x41, 0x42, 0x43, 0xff]).subarray(1, 4);
    expect(encodeBase64(view)).toBe('QUJD');
  });

  it('round-trips through decodeBase64Lenient', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(hex(decodeBase64Lenient(encodeBase64(bytes)))).toBe(hex(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});
