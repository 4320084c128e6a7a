/**
 * Parsing of the WSSE `Created` timestamp (W-4). The digest hashes `Created` exactly as sent,
 * so this module only turns the text into an instant for the window check (W-5); it never
 * normalises what gets hashed.
 */

/** Longest accepted text; the longest real form is a `Date.toString` with a zone name. */
const MAX_LENGTH = 128;

const ISO_EXTENDED =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_BASIC =
  /^(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}(?:\d{2})?)?$/;
const RFC_2822 =
  /^(?:([A-Za-z]{3}), )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|[A-Za-z]{1,3})$/;
const JS_TO_STRING =
  /^([A-Za-z]{3}) ([A-Za-z]{3}) (\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([A-Za-z]{3})([+-]\d{4})(?: \(([^()]+)\))?$/;

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const UTC_NAMES = ['gmt', 'ut', 'utc', 'z'];
const MAX_OFFSET_MINUTES = 14 * 60;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** 0 = Sunday; 1970-01-01 was a Thursday. */
function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** `±hh`, `±hhmm` or `±hh:mm` to signed minutes east of UTC, or null when out of range. */
function offsetMinutes(zone: string): number | null {
  const sign = zone.charCodeAt(0) === 0x2d ? -1 : 1;
  const digits = zone.length === 6 ? zone.slice(1, 3) + zone.slice(4) : zone.slice(1);
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (minutes > 59) return null;
  const total = hours * 60 + minutes;
  return total > MAX_OFFSET_MINUTES ? null : sign * total;
}

/** Zone of the ISO forms: absent or `Z` is UTC. */
function isoZoneMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  return offsetMinutes(zone);
}

/** Zone of the RFC 2822 form: `±hhmm` or one of GMT, UT, UTC, Z (any ASCII case). */
function rfc2822ZoneMinutes(zone: string): number | null {
  if (zone.charCodeAt(0) === 0x2b || zone.charCodeAt(0) === 0x2d) return offsetMinutes(zone);
  return UTC_NAMES.includes(zone.toLowerCase()) ? 0 : null;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

interface Fields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  readonly offset: number | null;
  /** Claimed weekday (0 = Sunday) that must match the date, or -1 when none was given. */
  readonly weekday: number;
}

/** Validates ranges and converts to epoch milliseconds. */
function toEpochMs(f: Fields): number | null {
  if (f.offset === null) return null;
  if (f.month < 1 || f.month > 12) return null;
  if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) return null;
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return null;
  const days = daysFromCivil(f.year, f.month, f.day);
  if (f.weekday >= 0 && weekdayOf(days) !== f.weekday) return null;
  return (
    days * MS_PER_DAY + ((f.hour * 60 + f.minute - f.offset) * 60 + f.second) * 1000 + f.millisecond
  );
}

/** Whole milliseconds of a 1–9 digit fraction, truncated. */
function fractionMs(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(`${fraction}00`.slice(0, 3));
}

function fromIso(m: RegExpExecArray): number | null {
  return toEpochMs({
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    millisecond: fractionMs(m[7]),
    offset: isoZoneMinutes(m[8]),
    weekday: -1,
  });
}

/** Index of an ASCII name in `names`, case-insensitively, or -1. */
function nameIndex(names: readonly string[], name: string | undefined): number {
  return name === undefined ? -1 : names.indexOf(name.toLowerCase());
}

function fromRfc2822(m: RegExpExecArray): number | null {
  const weekday = nameIndex(WEEKDAYS, m[1]);
  if (m[1] !== undefined && weekday < 0) return null;
  const month = nameIndex(MONTHS, m[3]);
  if (month < 0) return null;
  return toEpochMs({
    year: Number(m[4]),
    month: month + 1,
    day: Number(m[2]),
    hour: Number(m[5]),
    minute: Number(m[6]),
    second: m[7] === undefined ? 0 : Number(m[7]),
    millisecond: 0,
    offset: rfc2822ZoneMinutes(m[8] ?? ''),
    weekday,
  });
}

function fromJsToString(m: RegExpExecArray): number | null {
  const weekday = nameIndex(WEEKDAYS, m[1]);
  const month = nameIndex(MONTHS, m[2]);
  if (weekday < 0 || month < 0 || m[8]?.toLowerCase() !== 'gmt') return null;
  if (m[10] !== undefined && hasControlCharacter(m[10])) return null;
  return toEpochMs({
    year: Number(m[4]),
    month: month + 1,
    day: Number(m[3]),
    hour: Number(m[5]),
    minute: Number(m[6]),
    second: Number(m[7]),
    millisecond: 0,
    offset: offsetMinutes(m[9] ?? ''),
    weekday,
  });
}

/**
 * Parses a WSSE `Created` value (W-4) into epoch milliseconds.
 *
 * Accepted forms (all years exactly 4 digits, proleptic Gregorian 0000–9999):
 * - ISO 8601 extended: `2026-11-22T09:15:30Z`, with `T`, `t` or a space between date and
 *   time, an optional `.fraction` of 1–9 digits, and zone `Z`/`z`, `±hh:mm`, `±hhmm`, `±hh`
 *   or none (= UTC). Covers PHP `date('c')`, JS `toISOString()`, Python `strftime` samples.
 * - ISO 8601 basic: `20261122T091530Z` (`T` or `t`), optional fraction, zone `Z`/`z`,
 *   `±hhmm`, `±hh` or none (= UTC).
 * - RFC 2822: `Sun, 22 Nov 2026 10:15:30 +0100`; the weekday and the seconds are optional,
 *   the day may be one digit, the zone is `±hhmm`, `GMT`, `UT`, `UTC` or `Z`. Covers PHP
 *   `date('r')` and JS `toUTCString()`.
 * - JavaScript `Date.prototype.toString`: `Sun Nov 22 2026 09:15:30 GMT+0100`, optionally
 *   followed by ` (Zone Name)` (any text without parentheses or control characters, so
 *   localised names work; it is ignored, the numeric offset decides).
 *
 * Choices made where standards leave room:
 * - Weekday, month and zone names are ASCII case-insensitive (RFC 5322 ABNF literals are).
 * - A weekday, where given, must be the date's real weekday.
 * - Month 1–12, day within the month (leap years included), hour 0–23, minute 0–59, second
 *   0–59: no leap second `60` and no `24:00:00`.
 * - Zone offsets: minutes 0–59 and magnitude at most 14:00 (the widest real offset), so
 *   `+14:00` passes and `+14:30` or `+99:00` fail. `-00:00` and `-0000` mean UTC.
 * - Fractions are truncated to whole milliseconds.
 * - No surrounding whitespace, no obsolete RFC 822 zones (`EST`, military letters), no
 *   comments after an RFC 2822 zone, no two-digit years, no unix timestamps, nothing longer
 *   than 128 characters.
 *
 * @param text - The `Created` value exactly as sent.
 * @returns Epoch milliseconds, or null for anything not accepted. Never throws.
 */
export function parseCreated(text: string): number | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_LENGTH) return null;
  let m = ISO_EXTENDED.exec(text);
  if (m !== null) return fromIso(m);
  m = ISO_BASIC.exec(text);
  if (m !== null) return fromIso(m);
  m = RFC_2822.exec(text);
  if (m !== null) return fromRfc2822(m);
  m = JS_TO_STRING.exec(text);
  if (m !== null) return fromJsToString(m);
  return null;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Formats an instant as a WSSE `Created` value the way keygate's SDK sends it: UTC
 * `YYYY-MM-DDTHH:MM:SSZ`, milliseconds dropped (truncated, never rounded up into the future).
 *
 * @param date - The instant.
 * @returns E.g. `2026-11-22T09:15:30Z`; {@link parseCreated} reads it back to the second.
 * @throws TypeError when `date` is not a Date; RangeError when it is invalid or its UTC year
 *   is outside 0000–9999.
 */
export function formatCreated(date: Date): string {
  if (!(date instanceof Date)) throw new TypeError('formatCreated: date must be a Date');
  const year = date.getUTCFullYear();
  if (Number.isNaN(year)) throw new RangeError('formatCreated: invalid date');
  if (year < 0 || year > 9999) throw new RangeError('formatCreated: year must be 0000–9999');
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}Z`;
}
