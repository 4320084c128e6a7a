import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCreated, parseCreated } from '../src/parse_created.js';

/** 2026-11-22T09:15:30Z, the instant most vectors use. */
const T = Date.UTC(2026, 10, 22, 9, 15, 30);

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
const p4 = (n: number) => String(n).padStart(4, '0');

/** `Date.prototype.toString`'s shape, built in UTC so the test does not depend on TZ. */
function jsToStringUtc(d: Date): string {
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p4(d.getUTCFullYear())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT+0000`;
}

/** ISO 8601 extended local time at `offset` minutes east of UTC. */
function isoWithOffset(d: Date, offset: number): string {
  const local = new Date(d.getTime() + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local.toISOString().slice(0, 19)}${sign}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
}

const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;

describe('parseCreated: accepted forms (W-4)', () => {
  it.each([
    // ISO 8601 extended
    ['2026-11-22T09:15:30Z', T],
    ['2026-11-22T09:15:30z', T],
    ['2026-11-22t09:15:30Z', T],
    ['2026-11-22T09:15:30.123Z', T + 123],
    ['2026-11-22T09:15:30.1Z', T + 100],
    ['2026-11-22T09:15:30.12Z', T + 120],
    ['2026-11-22T09:15:30.123456789Z', T + 123],
    ['2026-11-22T09:15:30.999999999Z', T + 999],
    ['2026-11-22T10:15:30+01:00', T],
    ['2026-11-22T10:15:30+0100', T],
    ['2026-11-22T10:15:30+01', T],
    ['2026-11-22T04:15:30-05:00', T],
    ['2026-11-22T15:00:30+05:45', T],
    ['2026-11-22T23:15:30+14:00', T],
    ['2026-11-21T21:15:30-12:00', T],
    ['2026-11-22T09:15:30-00:00', T],
    ['2026-11-22T09:15:30+00:00', T],
    ['2026-11-22T11:15:30.5+02:00', T + 500],
    ['2026-11-22T09:15:30', T],
    ['2026-11-22 09:15:30', T],
    ['2026-11-22 09:15:30Z', T],
    ['2026-11-22 09:15:30+0000', T],
    ['2026-11-22 10:15:30.250+01:00', T + 250],
    // ISO 8601 basic
    ['20261122T091530Z', T],
    ['20261122t091530z', T],
    ['20261122T091530', T],
    ['20261122T101530+0100', T],
    ['20261122T101530+01', T],
    ['20261122T041530-0500', T],
    ['20261122T091530.75Z', T + 750],
    // RFC 2822, PHP date('r'), JS toUTCString()
    ['Sun, 22 Nov 2026 10:15:30 +0100', T],
    ['Sun, 22 Nov 2026 09:15:30 +0000', T],
    ['Sun, 22 Nov 2026 09:15:30 -0000', T],
    ['Sun, 22 Nov 2026 04:15:30 -0500', T],
    ['22 Nov 2026 10:15:30 +0100', T],
    ['Sun, 22 Nov 2026 09:15:30 GMT', T],
    ['Sun, 22 Nov 2026 09:15:30 UT', T],
    ['Sun, 22 Nov 2026 09:15:30 UTC', T],
    ['Sun, 22 Nov 2026 09:15:30 Z', T],
    ['sun, 22 nov 2026 09:15:30 gmt', T],
    ['Sun, 22 Nov 2026 09:15 GMT', T - 30_000],
    ['Tue, 1 Dec 2026 09:15:30 GMT', Date.UTC(2026, 11, 1, 9, 15, 30)],
    ['Tue, 01 Dec 2026 09:15:30 GMT', Date.UTC(2026, 11, 1, 9, 15, 30)],
    // JavaScript Date.prototype.toString
    ['Sun Nov 22 2026 09:15:30 GMT+0000', T],
    ['Sun Nov 22 2026 10:15:30 GMT+0100', T],
    ['Sun Nov 22 2026 10:15:30 GMT+0100 (Central European Standard Time)', T],
    ['Sun Nov 22 2026 10:15:30 GMT+0100 (Mitteleuropäische Normalzeit)', T],
    ['Sun Nov 22 2026 01:15:30 GMT-0800 (Pacific Standard Time)', T],
    ['Sun Nov 22 2026 09:15:30 GMT+0000 (Coordinated Universal Time)', T],
    // calendar edges
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['Thu, 29 Feb 2024 12:00:00 +0000', Date.UTC(2024, 1, 29, 12)],
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59Z', -1000],
    ['9999-12-31T23:59:59Z', Date.UTC(9999, 11, 31, 23, 59, 59)],
    ['0000-01-01T00:00:00Z', Date.parse('0000-01-01T00:00:00Z')],
    ['0099-03-01T00:00:00Z', Date.parse('0099-03-01T00:00:00Z')],
    ['2026-12-31T23:59:59Z', Date.UTC(2026, 11, 31, 23, 59, 59)],
  ])('%s', (text, expected) => {
    expect(parseCreated(text)).toBe(expected);
  });
});

describe('parseCreated: rejected', () => {
  it.each([
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-11-00T00:00:00Z',
    '2026-11-32T00:00:00Z',
    'Mon, 22 Nov 2026 10:15:30 +0100',
    'Sunday, 22 Nov 2026 10:15:30 +0100',
    'Sun, 22 Nov 2026 10:15:30 EST',
    'Sun, 22 Nov 2026 10:15:30 A',
    'Sun, 22 Nov 2026 10:15:30 +0100 (CET)',
    'Sun, 22 Nov 26 10:15:30 +0100',
    'Sun, 22 Foo 2026 10:15:30 +0100',
    'Foo, 22 Nov 2026 10:15:30 +0100',
    'Sun, 22 Nov 2026 10:15:30',
    'Sun, 22 Nov 2026 10:15:30 +01:00',
    'Sun, 22 Nov 2026 10:15:30 +9900',
    'Sun,22 Nov 2026 10:15:30 +0100',
    'Sun, 22  Nov 2026 10:15:30 +0100',
    'Sun, 022 Nov 2026 10:15:30 +0100',
    'tomorrow',
    'now',
    '1795338930',
    '1795338930000',
    '',
    ' ',
    '2026-11-22T25:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22T09:60:00Z',
    '2026-11-22T09:15:60Z',
    '2026-11-22T09:15:30+99:00',
    '2026-11-22T09:15:30+15:00',
    '2026-11-22T09:15:30+14:01',
    '2026-11-22T09:15:30+14:30',
    '2026-11-22T09:15:30-14:01',
    '2026-11-22T09:15:30+01:60',
    '2026-11-22T09:15:30+01:0',
    '2026-11-22T09:15:30+1:00',
    '2026-11-22T09:15:30+010',
    '2026-11-22T09:15:30 +01:00',
    '2026-11-22T09:15:30 Z',
    '2026-11-22T09:15Z',
    '2026-11-22T09Z',
    '2026-11-22',
    '2026-11-22T',
    '2026-11-22T09:15:30.Z',
    '2026-11-22T09:15:30.1234567890Z',
    '2026-11-22T09:15:30,123Z',
    '2026-11-22T09:15:30ZZ',
    '2026-11-22T09:15:30UTC',
    '2026-11-22T09:15:30 GMT',
    '2026-11-22T9:15:30Z',
    '2026-11-2T09:15:30Z',
    '26-11-22T09:15:30Z',
    '+02026-11-22T09:15:30Z',
    '-2026-11-22T09:15:30Z',
    '12026-11-22T09:15:30Z',
    '2026/11/22 09:15:30',
    '2026-11-22_09:15:30Z',
    ' 2026-11-22T09:15:30Z',
    '2026-11-22T09:15:30Z ',
    '2026-11-22T09:15:30Z\n',
    '２０２６-11-22T09:15:30Z',
    '٢٠٢٦-11-22T09:15:30Z',
    '20261122T091530+01:00',
    '20261122 091530Z',
    '2026-1122T091530Z',
    '20261122T0915Z',
    'Mon Nov 22 2026 09:15:30 GMT+0000',
    'Sun Nov 22 2026 09:15:30 GMT',
    'Sun Nov 22 2026 09:15:30 UTC+0000',
    'Sun Nov 22 2026 09:15:30 GMT+01:00',
    'Sun Nov 22 2026 09:15:30 GMT+0000 (',
    'Sun Nov 22 2026 09:15:30 GMT+0000 ()',
    'Sun Nov 22 2026 09:15:30 GMT+0000 (a(b))',
    'Sun Nov 22 2026 09:15:30 GMT+0000 (Zone\n)',
    'Sun Nov 22 2026 09:15:30 GMT+0000(UTC)',
    'Nov 22 2026 09:15:30 GMT+0000',
    'Sun Nov 22 2026 09:15 GMT+0000',
    'Sun Nov 31 2026 09:15:30 GMT+0000',
    `Sun Nov 22 2026 09:15:30 GMT+0000 (${'x'.repeat(200)})`,
  ])('%j → null', (text) => {
    expect(parseCreated(text)).toBeNull();
  });

  it('returns null rather than throwing for non-strings', () => {
    expect(parseCreated(undefined as unknown as string)).toBeNull();
    expect(parseCreated(1795338930 as unknown as string)).toBeNull();
  });
});

const anyDate = fc.date({
  min: new Date('0000-01-01T00:00:00.000Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});

describe('parseCreated: properties', () => {
  it('never throws and returns null or an integer', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 150 }),
      fc.string({ unit: fc.constantFrom(...'0123456789-:+.TZ ,GMTSunNov()'), maxLength: 70 }),
    );
    fc.assert(
      fc.property(text, (t) => {
        const ms = parseCreated(t);
        expect(ms === null || Number.isSafeInteger(ms)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on edits of accepted forms', () => {
    const base = fc.constantFrom(
      '2026-11-22T09:15:30.123+01:00',
      '20261122T091530Z',
      'Sun, 22 Nov 2026 10:15:30 +0100',
      'Sun Nov 22 2026 09:15:30 GMT+0000 (Coordinated Universal Time)',
    );
    const edit = fc.record({
      at: fc.nat({ max: 70 }),
      remove: fc.nat({ max: 3 }),
      insert: fc.string({ unit: fc.constantFrom(...'09+-:.TZ ()é\u0000'), maxLength: 3 }),
    });
    fc.assert(
      fc.property(base, fc.array(edit, { maxLength: 4 }), (start, edits) => {
        let text = start;
        for (const { at, remove, insert } of edits) {
          text = text.slice(0, at) + insert + text.slice(at + remove);
        }
        const ms = parseCreated(text);
        expect(ms === null || Number.isSafeInteger(ms)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads formatCreated, toISOString, toUTCString and the Date.toString shape back', () => {
    fc.assert(
      fc.property(anyDate, (d) => {
        const ms = d.getTime();
        expect(parseCreated(formatCreated(d))).toBe(seconds(ms));
        expect(parseCreated(d.toISOString())).toBe(ms);
        expect(parseCreated(d.toUTCString())).toBe(seconds(ms));
        expect(parseCreated(jsToStringUtc(d))).toBe(seconds(ms));
      }),
      { numRuns: 2000 },
    );
  });

  it('applies any offset within ±14:00 in every ISO spelling', () => {
    const date = fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2200-01-01T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(date, fc.integer({ min: -840, max: 840 }), (d, offset) => {
        const text = isoWithOffset(d, offset);
        const want = seconds(d.getTime());
        expect(parseCreated(text)).toBe(want);
        expect(parseCreated(text.replace(/:(\d\d)$/, '$1'))).toBe(want);
        expect(parseCreated(text.replace('T', ' '))).toBe(want);
        const basic = text.slice(0, 19).replace(/[-:]/g, '') + text.slice(19).replace(':', '');
        expect(parseCreated(basic)).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects any real date under a wrong weekday', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 6 }), (d, shift) => {
        const wrong = WEEKDAYS[(d.getUTCDay() + shift) % 7] ?? '';
        expect(parseCreated(`${wrong}${d.toUTCString().slice(3)}`)).toBeNull();
        expect(parseCreated(`${wrong}${jsToStringUtc(d).slice(3)}`)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});

describe('formatCreated', () => {
  it('writes UTC seconds with Z, truncating milliseconds', () => {
    expect(formatCreated(new Date(T + 999))).toBe('2026-11-22T09:15:30Z');
    expect(formatCreated(new Date(-1))).toBe('1969-12-31T23:59:59Z');
    expect(formatCreated(new Date('0042-03-04T05:06:07Z'))).toBe('0042-03-04T05:06:07Z');
  });

  it('is toISOString without the milliseconds', () => {
    fc.assert(
      fc.property(anyDate, (d) => {
        expect(formatCreated(d)).toBe(`${d.toISOString().slice(0, 19)}Z`);
      }),
      { numRuns: 1000 },
    );
  });

  it('throws TypeError for a non-Date and RangeError for an invalid or out-of-range one', () => {
    expect(() => formatCreated('2026-11-22' as unknown as Date)).toThrow(TypeError);
    expect(() => formatCreated(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => formatCreated(new Date('+010000-01-01T00:00:00Z'))).toThrow(RangeError);
    expect(() => formatCreated(new Date('-000001-12-31T00:00:00Z'))).toThrow(RangeError);
  });
});
