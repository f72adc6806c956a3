import { describe, expect, it } from 'vitest';
import { periodOfDate, periodOfInstant } from './calendar-period';
import { dateOfDayNumber, dayNumberOfDate, formatLocal, localDayNumber, startOfLocalDay } from './local-date';

const iso = (ms: number) => new Date(ms).toISOString();

describe('local days', () => {
  it('reads only real YYYY-MM-DD calendar dates', () => {
    expect(dayNumberOfDate('1970-01-01')).toBe(0);
    expect(dayNumberOfDate('2026-03-01')).toBe(20513);
    expect(dayNumberOfDate('1969-12-31')).toBe(-1);
    for (const bad of [
      '2026-02-29',
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-1-01',
      ' 2026-01-01',
      '2026-01-01T00:00:00Z',
      'soon',
    ])
      expect(dayNumberOfDate(bad), bad).toBeNaN();
    expect(dayNumberOfDate('2028-02-29')).toBe(dayNumberOfDate('2028-03-01') - 1);
  });

  it('writes a day number back as its date, before 1970 too', () => {
    expect(dateOfDayNumber(20513)).toBe('2026-03-01');
    expect(dateOfDayNumber(-1)).toBe('1969-12-31');
  });

  it('places an instant on its local date, either side of a local midnight', () => {
    const midnight = Date.parse('2026-03-01T16:00:00Z'); // 2026-03-02 00:00 in Shanghai
    expect(localDayNumber('Asia/Shanghai', midnight)).toBe(dayNumberOfDate('2026-03-02'));
    expect(localDayNumber('Asia/Shanghai', midnight - 1)).toBe(dayNumberOfDate('2026-03-01'));
    expect(localDayNumber('UTC', -1)).toBe(-1);
  });

  it.each([
    // zones whose clocks jump from 00:00 to 01:00 when DST starts: the day starts at 01:00
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00.000Z', '2026-09-06T01:00:00-03:00'],
    ['America/Havana', '2026-03-08', '2026-03-08T05:00:00.000Z', '2026-03-08T01:00:00-04:00'],
    ['Asia/Beirut', '2026-03-29', '2026-03-28T22:00:00.000Z', '2026-03-29T01:00:00+03:00'],
  ])('in %s, %s starts at the first local minute that exists', (tz, date, utc, local) => {
    const start = startOfLocalDay(tz, dayNumberOfDate(date));
    expect(iso(start)).toBe(utc);
    expect(formatLocal(tz, start)).toBe(local);
    expect(localDayNumber(tz, start - 1)).toBe(dayNumberOfDate(date) - 1);
    const day = periodOfDate('day', tz, date);
    expect(day && (day.end - day.start) / 3_600_000).toBe(23);
    // the month holding that day still starts on its first
    const month = periodOfInstant('month', tz, start);
    expect(formatLocal(tz, month.start).slice(0, 10)).toBe(`${date.slice(0, 7)}-01`);
  });

  it('the day after a skipped midnight starts at midnight again', () => {
    const start = startOfLocalDay('America/Santiago', dayNumberOfDate('2026-09-07'));
    expect(formatLocal('America/Santiago', start)).toBe('2026-09-07T00:00:00-03:00');
  });
});

describe('formatLocal', () => {
  it('writes the offset with its sign, hours and minutes, or Z', () => {
    const t = Date.parse('2026-01-01T00:00:00Z');
    expect(formatLocal('UTC', t)).toBe('2026-01-01T00:00:00Z');
    expect(formatLocal('Asia/Shanghai', t)).toBe('2026-01-01T08:00:00+08:00');
    expect(formatLocal('America/New_York', t)).toBe('2025-12-31T19:00:00-05:00');
    expect(formatLocal('America/St_Johns', t)).toBe('2025-12-31T20:30:00-03:30');
    expect(formatLocal('Asia/Kathmandu', t)).toBe('2026-01-01T05:45:00+05:45');
    expect(formatLocal('Asia/Kolkata', t + 1234)).toBe('2026-01-01T05:30:01+05:30');
  });
});
