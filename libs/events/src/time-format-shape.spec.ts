import { describe, expect, it } from 'vitest';
import { isCalendarDate, parseTimestamp, timestampProblem } from './time-format';

// Each character of the shape `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)` (docs/events.md, "Value rules")
// broken on its own, everything else valid: each one is rejected, whatever else is right around it.
describe('parseTimestamp: one broken character is enough to reject', () => {
  it.each([
    ['the first date separator', '2026/11-01T10:00:00Z'],
    ['the second date separator', '2026-11/01T10:00:00Z'],
    ['a letter in the year', '2a26-11-01T10:00:00Z'],
    ['a letter in the month', '2026-1a-01T10:00:00Z'],
    ['a letter in the day', '2026-11-0aT10:00:00Z'],
    ['the first time separator', '2026-11-01T10-00:00Z'],
    ['the second time separator', '2026-11-01T10:00-00Z'],
    ['a letter in the hour', '2026-11-01Tx0:00:00Z'],
    ['a letter in the minute', '2026-11-01T10:x0:00Z'],
    ['a letter in the second', '2026-11-01T10:00:x0Z'],
    ['a lower-case z', '2026-11-01T10:00:00z'],
    ['another letter for Z', '2026-11-01T10:00:00X'],
    ['a Z followed by an offset', '2026-11-01T10:00:00Z08:00'],
    ['no sign before the offset', '2026-11-01T10:00:00 08:00'],
    ['another sign before the offset', '2026-11-01T10:00:00*08:00'],
    ['another offset separator', '2026-11-01T10:00:00+08.00'],
    ['a character after the offset', '2026-11-01T10:00:00+08:001'],
    ['an offset too short', '2026-11-01T10:00:00+08:0'],
    ['a letter in the offset hour', '2026-11-01T10:00:00+x8:00'],
    ['a letter in the offset minute', '2026-11-01T10:00:00+08:x0'],
    ['a fraction with a letter', '2026-11-01T10:00:00.5xZ'],
    ['nothing after the seconds', '2026-11-01T10:00:00'],
  ])('%s (%j)', (_what, s) => {
    expect(parseTimestamp(s)).toBeNaN();
  });
});

describe('parseTimestamp: the ends of each range', () => {
  it.each([
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-12-31T23:59:59Z', Date.UTC(2026, 11, 31, 23, 59, 59)],
    ['2026-11-01T10:00:00+15:59', Date.UTC(2026, 10, 1, 10) - (15 * 60 + 59) * 60_000],
    ['2026-11-01T10:00:00-15:59', Date.UTC(2026, 10, 1, 10) + (15 * 60 + 59) * 60_000],
    ['2026-11-01T10:00:00+00:00', Date.UTC(2026, 10, 1, 10)],
    ['2026-11-01T10:00:00-00:00', Date.UTC(2026, 10, 1, 10)],
    ['2026-11-01T10:00:00.1Z', Date.UTC(2026, 10, 1, 10, 0, 0, 100)],
    ['2026-11-01T10:00:00.12Z', Date.UTC(2026, 10, 1, 10, 0, 0, 120)],
    ['2026-11-01T10:00:00.123Z', Date.UTC(2026, 10, 1, 10, 0, 0, 123)],
    ['2026-11-01T10:00:00.1239Z', Date.UTC(2026, 10, 1, 10, 0, 0, 123)],
    ['2026-11-01T10:00:00.000000001+08:00', Date.UTC(2026, 10, 1, 2)],
    // years 0–99 are those years, not 1900–1999
    ['0099-12-31T23:59:59Z', new Date(Date.UTC(2000, 11, 31, 23, 59, 59)).setUTCFullYear(99)],
  ])('%j', (s, ms) => {
    expect(parseTimestamp(s)).toBe(ms);
  });
});

describe('isCalendarDate: one broken character is enough to reject', () => {
  it.each([
    '2026/01-01',
    '2026-01/01',
    '2a26-01-01',
    '202a-01-01',
    '2026-0a-01',
    '2026-01-0a',
    '2026-00-01',
    '2026-01-00',
  ])('%j', (s) => {
    expect(isCalendarDate(s)).toBe(false);
  });

  it('accepts the ends of the year and of a 30-day month', () => {
    expect(isCalendarDate('0000-01-01')).toBe(true);
    expect(isCalendarDate('9999-12-31')).toBe(true);
    expect(isCalendarDate('2026-04-30')).toBe(true);
    expect(isCalendarDate('2026-04-31')).toBe(false);
  });
});

describe('timestampProblem names what is wrong (docs/events.md, "Errors")', () => {
  it.each([
    ['2026-11-01T10:00:00', 'missing the UTC offset: expected Z or ±hh:mm after the time'],
    ['2026-13-01T10:00:00Z', 'not a valid date and time'],
    ['2026-11-01T10:00:00+24:00', "the UTC offset is beyond ±15:59: expected a real zone's offset, e.g. +08:00"],
    ['2026-11-01T10:00:00.5-08:60', 'not a valid date and time'],
    ['2026-11-01', 'expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00'],
    ['2026-11-01 10:00:00Z', 'expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00'],
    ['x2026-11-01T10:00:00Z', 'expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00'],
    ['2026-11-01T10:00:00Zx', 'expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00'],
    ['x2026-11-01T10:00:00', 'expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00'],
    ['2026-11-01T10:00:00x', 'expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00'],
  ])('%j: %s', (s, reason) => {
    expect(timestampProblem(s)).toBe(reason);
  });
});
