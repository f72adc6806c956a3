import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCalendarDate, parseTimestamp, timestampProblem, utcTimestamp } from './time-format';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const dateString = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);

// A well-formed timestamp whose fields are all in range (the day at most 28, so always real).
const validTimestamp = fc
  .record({
    y: fc.integer({ min: 2, max: 9998 }), // a year from the ends: no offset takes it out of 0001–9999 UTC
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    fraction: fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
    offset: fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 59 }))
        .map(([sign, oh, om]) => `${sign}${pad(oh, 2)}:${pad(om, 2)}`),
    ),
  })
  .map(
    (t) =>
      `${pad(t.y, 4)}-${pad(t.mo, 2)}-${pad(t.d, 2)}T${pad(t.h, 2)}:${pad(t.mi, 2)}:${pad(t.s, 2)}` +
      `${t.fraction === undefined ? '' : `.${t.fraction}`}${t.offset}`,
  );

describe('parseTimestamp', () => {
  it('agrees with Date.parse on every well-formed timestamp', () => {
    fc.assert(
      fc.property(validTimestamp, (s) => {
        expect(parseTimestamp(s)).toBe(Date.parse(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads offsets and fractions', () => {
    expect(parseTimestamp('2026-11-01T10:00:00+08:00')).toBe(Date.UTC(2026, 10, 1, 2));
    expect(parseTimestamp('2026-11-01T01:30:00-05:30')).toBe(Date.UTC(2026, 10, 1, 7));
    expect(parseTimestamp('2026-11-01T10:00:00.5Z')).toBe(Date.UTC(2026, 10, 1, 10, 0, 0, 500));
    expect(parseTimestamp('2024-02-29T23:59:59.999999Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    expect(parseTimestamp('2026-11-01T10:00:00+15:59')).toBe(Date.UTC(2026, 10, 1, 10) - (15 * 60 + 59) * 60_000);
    expect(parseTimestamp('2026-11-01T10:00:00-15:59')).toBe(Date.UTC(2026, 10, 1, 10) + (15 * 60 + 59) * 60_000);
  });

  it('normalises to UTC what the log stores as the time, whatever the offset', () => {
    expect(utcTimestamp('2026-11-01T10:00:00+08:00')).toBe('2026-11-01T02:00:00.000Z');
    expect(utcTimestamp('2026-11-01T23:30:00.25-15:30')).toBe('2026-11-02T15:00:00.250Z');
    expect(utcTimestamp('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z');
    expect(utcTimestamp('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
  });

  it.each([
    // what Postgres cannot hold: offsets beyond ±15:59 (RFC 3339 allows up to 23:59), years outside 0001–9999
    '2026-11-01T10:00:00+16:00',
    '2026-11-01T10:00:00-23:59',
    '0000-12-31T23:00:00Z',
    '0001-01-01T00:30:00+01:00',
    '9999-12-31T23:30:00-01:00',
  ])('refuses %j, which Postgres could not store', (s) => {
    expect(parseTimestamp(s)).toBeNaN();
  });

  it.each([
    '2026-11-01T10:00:00',
    '2026-11-01',
    '2026-13-01T10:00:00Z',
    '2026-02-29T10:00:00Z',
    '2026-11-31T10:00:00Z',
    '2026-11-01T24:00:00Z',
    '2026-11-01T10:60:00Z',
    '2026-11-01T10:00:60Z',
    '2026-11-01T10:00:00+24:00',
    '2026-11-01T10:00:00+08:60',
    '2026-11-01T10:00:00+0800',
    '2026-11-01T10:00:00.Z',
    '2026-11-01 10:00:00Z',
    '2026-11-01t10:00:00z',
    '2026-11-01T10:00:00Z ',
    '+02026-11-01T10:00:00Z',
    '２０２６-11-01T10:00:00Z',
    '',
  ])('rejects %j', (s) => {
    expect(parseTimestamp(s)).toBeNaN();
  });

  it('never accepts what Date.parse rejects', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789-:T.Z+ '), maxLength: 30 }), (s) => {
        if (Number.isNaN(Date.parse(s))) expect(parseTimestamp(s)).toBeNaN();
      }),
      { numRuns: 5000 },
    );
  });
});

describe('timestampProblem', () => {
  it.each([
    ['2026-11-01T10:00:00.123', 'missing the UTC offset: expected Z or ±hh:mm after the time'],
    ['2026-04-31T10:00:00Z', 'not a valid date and time'],
    ['2026-11-01T10:00:00+16:00', "the UTC offset is beyond ±15:59: expected a real zone's offset, e.g. +08:00"],
    ['0000-06-01T10:00:00Z', 'outside the years 0001–9999 in UTC'],
    ['9999-12-31T23:30:00-01:00', 'outside the years 0001–9999 in UTC'],
    ['2026-11-01', 'expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00'],
    ['yesterday', 'expected an RFC 3339 timestamp with offset, e.g. 2026-11-01T10:00:00+08:00'],
  ])('%j: %s', (s, reason) => {
    expect(timestampProblem(s)).toBe(reason);
  });
});

describe('isCalendarDate', () => {
  it('is true exactly for the days that exist (brute force through Date)', () => {
    fc.assert(
      fc.property(dateString, (s) => {
        const roundTrip = new Date(`${s}T00:00:00Z`);
        const exists = !Number.isNaN(roundTrip.getTime()) && roundTrip.toISOString().slice(0, 10) === s;
        expect(isCalendarDate(s)).toBe(exists);
      }),
      { numRuns: 5000 },
    );
  });

  it('knows the leap-year rules', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2026-02-29')).toBe(false);
  });

  it.each(['2026-1-01', '2026-01-01Z', '20260101', '2026/01/01', ' 2026-01-01'])('rejects %j', (s) => {
    expect(isCalendarDate(s)).toBe(false);
  });
});
