// Hand-written parsers for the two time formats of the contract: validation runs per event at ingest,
// so the happy path walks the string once with charCodeAt and allocates nothing.

const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const UPPER_T = 84;
const UPPER_Z = 90;

const DAY_MS = 86_400_000;

// Postgres (timestamptz) holds UTC offsets up to ±15:59 and years 0001 on; real zones span −12:00 to
// +14:00, so a wider offset is refused rather than stored wrong. Years are kept in 0001–9999 in UTC,
// the range of a four-digit RFC 3339 year that Postgres takes.
export const MAX_OFFSET_HOURS = 15;

// Only used to explain a failure, never on the happy path.
const TIMESTAMP_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const LOCAL_TIMESTAMP_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?$/;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

// The decimal value of s[start, start + length), or -1 when one of them is not a digit.
function digits(s: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const code = s.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), without
// Date.UTC, which maps years 0–99 to 1900–1999.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

// 0001-01-01T00:00:00Z and the first instant after 9999-12-31T23:59:59.999Z
const FIRST_MS = daysFromCivil(1, 1, 1) * DAY_MS;
const END_MS = daysFromCivil(10_000, 1, 1) * DAY_MS;

// Day number of the `YYYY-MM-DD` at the start of s, or NaN when it is not a valid calendar date.
function leadingDate(s: string): number {
  if (s.length < 10 || s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return daysFromCivil(year, month, day);
}

// `YYYY-MM-DD` that names a real calendar day (no 2026-02-30).
export function isCalendarDate(s: string): boolean {
  return s.length === 10 && !Number.isNaN(leadingDate(s));
}

// Epoch milliseconds of an RFC 3339 timestamp with `Z` or a `±hh:mm` offset, or NaN. Fractions beyond
// milliseconds are truncated, as Date.parse does; leap seconds (`:60`) are not accepted, nor offsets
// beyond ±15:59 or instants outside the years 0001–9999 in UTC (what Postgres can store).
export function parseTimestamp(s: string): number {
  const n = s.length;
  if (n < 20 || s.charCodeAt(10) !== UPPER_T || s.charCodeAt(13) !== COLON || s.charCodeAt(16) !== COLON) return NaN;
  const day = leadingDate(s);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (Number.isNaN(day) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return NaN;
  }
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === DOT) {
    const start = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) {
      if (i - start < 3) ms = ms * 10 + (s.charCodeAt(i) - ZERO);
      i++;
    }
    if (i === start) return NaN;
    for (let k = i - start; k < 3; k++) ms *= 10;
  }
  const sign = s.charCodeAt(i);
  let offsetMinutes: number;
  if (sign === UPPER_Z && i + 1 === n) {
    offsetMinutes = 0;
  } else if ((sign === PLUS || sign === DASH) && i + 6 === n && s.charCodeAt(i + 3) === COLON) {
    const offsetHours = digits(s, i + 1, 2);
    const offsetMins = digits(s, i + 4, 2);
    if (offsetHours < 0 || offsetHours > MAX_OFFSET_HOURS || offsetMins < 0 || offsetMins > 59) return NaN;
    offsetMinutes = (offsetHours * 60 + offsetMins) * (sign === DASH ? -1 : 1);
  } else {
    return NaN;
  }
  const at = day * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + ms;
  return at >= FIRST_MS && at < END_MS ? at : NaN;
}

// The instant of a valid timestamp as UTC (`2026-11-01T02:00:00.000Z`): what the log stores in its
// time column, whatever offset the event was sent with.
export function utcTimestamp(s: string): string {
  return new Date(parseTimestamp(s)).toISOString();
}

// Why parseTimestamp rejected s, in the words of a FieldError reason.
export function timestampProblem(s: string): string {
  if (LOCAL_TIMESTAMP_SHAPE.test(s)) return 'missing the UTC offset: expected Z or ±hh:mm after the time';
  const shape = TIMESTAMP_SHAPE.exec(s);
  if (shape !== null) {
    if (Number(shape[1] ?? 0) > MAX_OFFSET_HOURS)
      return `the UTC offset is beyond ±${MAX_OFFSET_HOURS}:59: expected a real zone's offset, e.g. +08:00`;
    if (Number(shape[2] ?? 0) > 59) return 'not a valid date and time';
    // the wall time itself is fine, read as UTC: only the year range is not
    const wall = s.slice(0, s.endsWith('Z') ? -1 : -6);
    if (s.startsWith('0000-') || !Number.isNaN(parseTimestamp(`${wall}Z`))) return 'outside the years 0001–9999 in UTC';
    return 'not a valid date and time';
  }
  return 'expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00';
}
