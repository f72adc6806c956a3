import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodOfDate, periodOfInstant } from './calendar-period';
import { formatLocal, localDayNumber, startOfLocalDay } from './local-date';
import { isValidTimeZone, zoneOffsetMs } from './zone-offset';

// Local wall-clock parts straight from Intl, independent of the code under test.
function wall(tz: string, ms: number): { date: string; time: string; weekday: string } {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
  });
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, weekday: String(p.weekday) };
}

describe('calendar periods in the org time zone', () => {
  it('New York months across the DST changes', () => {
    const nov = periodOfInstant('month', 'America/New_York', Date.parse('2026-11-15T12:00:00Z'));
    expect(new Date(nov.start).toISOString()).toBe('2026-11-01T04:00:00.000Z'); // EDT, −4
    expect(new Date(nov.end).toISOString()).toBe('2026-12-01T05:00:00.000Z'); // EST, −5
    const mar = periodOfInstant('month', 'America/New_York', Date.parse('2026-03-08T07:30:00Z'));
    expect(new Date(mar.start).toISOString()).toBe('2026-03-01T05:00:00.000Z');
    expect(new Date(mar.end).toISOString()).toBe('2026-04-01T04:00:00.000Z');
  });

  it('the New York day DST starts has 23 hours, the day it ends 25', () => {
    const spring = periodOfInstant('day', 'America/New_York', Date.parse('2026-03-08T12:00:00Z'));
    expect((spring.end - spring.start) / 3_600_000).toBe(23);
    const fall = periodOfInstant('day', 'America/New_York', Date.parse('2026-11-01T12:00:00Z'));
    expect((fall.end - fall.start) / 3_600_000).toBe(25);
  });

  it('Shanghai quarters, ISO weeks and years', () => {
    const q = periodOfInstant('quarter', 'Asia/Shanghai', Date.parse('2026-03-31T15:59:59Z'));
    expect(formatLocal('Asia/Shanghai', q.start)).toBe('2026-01-01T00:00:00+08:00');
    expect(formatLocal('Asia/Shanghai', q.end)).toBe('2026-04-01T00:00:00+08:00');
    const next = periodOfInstant('quarter', 'Asia/Shanghai', Date.parse('2026-03-31T16:00:00Z'));
    expect(formatLocal('Asia/Shanghai', next.start)).toBe('2026-04-01T00:00:00+08:00');
    const week = periodOfInstant('week', 'Asia/Shanghai', Date.parse('2027-01-01T02:00:00Z'));
    expect(formatLocal('Asia/Shanghai', week.start)).toBe('2026-12-28T00:00:00+08:00'); // a Monday
    const year = periodOfInstant('year', 'Asia/Shanghai', Date.parse('2026-12-31T16:00:00Z'));
    expect(formatLocal('Asia/Shanghai', year.start)).toBe('2027-01-01T00:00:00+08:00');
  });

  it('a date field is placed by its local date', () => {
    const p = periodOfDate('month', 'America/New_York', '2026-11-30');
    expect(formatLocal('America/New_York', p?.start ?? 0)).toBe('2026-11-01T00:00:00-04:00');
    expect(periodOfDate('month', 'America/New_York', '2026-02-30')).toBeUndefined();
  });

  it('every period starts at a local midnight on its first day and contains the instant (property)', () => {
    const zones = ['America/New_York', 'Asia/Shanghai', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom('day', 'week', 'month', 'quarter', 'year' as const),
        fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') }),
        (tz, window, ms) => {
          const p = periodOfInstant(window, tz, ms);
          expect(p.start <= ms && ms < p.end).toBe(true);
          const first = wall(tz, p.start);
          const before = wall(tz, p.start - 1);
          expect(first.date).not.toBe(before.date); // the instant before the start is the previous day
          expect(['00:00', '01:00']).toContain(first.time);
          if (window === 'week') expect(first.weekday).toBe('Mon');
          if (window === 'month' || window === 'quarter' || window === 'year')
            expect(first.date.endsWith('-01')).toBe(true);
          if (window === 'quarter') expect(['01', '04', '07', '10']).toContain(first.date.slice(5, 7));
          if (window === 'year') expect(first.date.slice(5)).toBe('01-01');
        },
      ),
      { numRuns: 2000 },
    );
  }, 60_000); // 2000 Intl round trips: seconds on a loaded machine

  it('knows an IANA zone from a made-up one', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('UTC+8')).toBe(false);
  });

  it('zone offsets and local days agree with Intl (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('America/New_York', 'Asia/Shanghai', 'Europe/Berlin', 'Asia/Kathmandu'),
        fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') }),
        (tz, ms) => {
          const local = new Date(ms + zoneOffsetMs(tz, ms)).toISOString();
          expect(local.slice(0, 10)).toBe(wall(tz, ms).date);
          expect(local.slice(11, 16)).toBe(wall(tz, ms).time);
          expect(startOfLocalDay(tz, localDayNumber(tz, ms)) <= ms).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  }, 60_000); // 2000 Intl round trips: seconds on a loaded machine
});

describe('calendar period bounds, date by date', () => {
  // in UTC the bounds are plain dates: [first day, first day of the next period)
  const bounds = (window: 'day' | 'week' | 'month' | 'quarter' | 'year', date: string) => {
    const p = periodOfDate(window, 'UTC', date);
    return p && [new Date(p.start).toISOString().slice(0, 10), new Date(p.end).toISOString().slice(0, 10)];
  };

  it('quarters start in January, April, July and October and end where the next starts', () => {
    const starts = ['01', '01', '01', '04', '04', '04', '07', '07', '07', '10', '10', '10'];
    const ends = ['2026-04-01', '2026-07-01', '2026-10-01', '2027-01-01'];
    starts.forEach((first, i) => {
      const month = String(i + 1).padStart(2, '0');
      expect(bounds('quarter', `2026-${month}-15`)).toEqual([`2026-${first}-01`, ends[Math.floor(i / 3)]]);
    });
  });

  it('months, years, days and ISO weeks, across the end of a year and before 1970', () => {
    expect(bounds('month', '2026-12-31')).toEqual(['2026-12-01', '2027-01-01']);
    expect(bounds('month', '2026-02-01')).toEqual(['2026-02-01', '2026-03-01']);
    expect(bounds('year', '2026-07-04')).toEqual(['2026-01-01', '2027-01-01']);
    expect(bounds('day', '2026-12-31')).toEqual(['2026-12-31', '2027-01-01']);
    expect(bounds('week', '2027-01-03')).toEqual(['2026-12-28', '2027-01-04']); // a Sunday: the week's last day
    expect(bounds('week', '2026-12-28')).toEqual(['2026-12-28', '2027-01-04']); // a Monday: its first
    expect(bounds('week', '1969-12-31')).toEqual(['1969-12-29', '1970-01-05']);
    expect(bounds('week', '1969-12-28')).toEqual(['1969-12-22', '1969-12-29']);
  });
});
