import { describe, expect, it } from 'vitest';
import { periodOfInstant } from './calendar-period';
import { elapsedFraction, weekdayOfDay, type WorkingCalendar } from './working-days';
import { dayNumberOfDate } from './local-date';

const WEEKDAYS_ONLY: WorkingCalendar = { workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: [] };
const at = (iso: string): number => Date.parse(iso);

describe('elapsed fraction of a period', () => {
  it('by time: two thirds of a Shanghai quarter', () => {
    const q = periodOfInstant('quarter', 'Asia/Shanghai', at('2026-05-31T16:00:00Z'));
    expect(elapsedFraction(q, q.start + ((q.end - q.start) * 2) / 3, 'Asia/Shanghai')).toBeCloseTo(2 / 3, 12);
    expect(elapsedFraction(q, q.start, 'Asia/Shanghai')).toBe(0);
  });

  it('by time across a DST change: the 25-hour New York day counts its real hours', () => {
    // November 2026 in New York has 30 × 24 + 1 hours; its first Sunday ends DST
    const nov = periodOfInstant('month', 'America/New_York', at('2026-11-15T12:00:00Z'));
    expect((nov.end - nov.start) / 3_600_000).toBe(721);
    expect(elapsedFraction(nov, at('2026-11-02T05:00:00Z'), 'America/New_York')).toBeCloseTo(25 / 721, 12);
  });

  it('by working days: weekends do not elapse and each working day weighs one', () => {
    // March 2026 in Shanghai: 22 weekdays (the 1st is a Sunday)
    const march = periodOfInstant('month', 'Asia/Shanghai', at('2026-03-10T00:00:00Z'));
    expect(elapsedFraction(march, at('2026-03-06T16:00:00Z'), 'Asia/Shanghai', WEEKDAYS_ONLY)).toBe(5 / 22);
    // the weekend after: still five days
    expect(elapsedFraction(march, at('2026-03-08T15:59:59Z'), 'Asia/Shanghai', WEEKDAYS_ONLY)).toBe(5 / 22);
    // Monday 12:00 local: half of the sixth
    expect(elapsedFraction(march, at('2026-03-09T04:00:00Z'), 'Asia/Shanghai', WEEKDAYS_ONLY)).toBeCloseTo(
      5.5 / 22,
      12,
    );
  });

  it('by working days across DST: a 23-hour working day elapses evenly over its own hours', () => {
    // Sundays only, New York, March 2026: the 1st, 8th (DST starts, 23 hours), 15th, 22nd and 29th
    const sundays: WorkingCalendar = { workingDays: ['sun'], holidays: [] };
    const march = periodOfInstant('month', 'America/New_York', at('2026-03-10T12:00:00Z'));
    // 12:00 EDT on the 8th is 11 real hours into its 23
    const noon = at('2026-03-08T16:00:00Z');
    expect(elapsedFraction(march, noon, 'America/New_York', sundays)).toBeCloseTo((1 + 11 / 23) / 5, 12);
    // the 25-hour Sunday of November (DST ends): 12:00 EST is 13 hours into its 25
    const nov = periodOfInstant('month', 'America/New_York', at('2026-11-10T12:00:00Z'));
    const novNoon = at('2026-11-01T17:00:00Z');
    expect(elapsedFraction(nov, novNoon, 'America/New_York', sundays)).toBeCloseTo(13 / 25 / 5, 12);
  });

  it('month end: after the last working day the period has fully elapsed before it closes', () => {
    // February 2026 ends on a Saturday: from Friday midnight on, all 20 working days are done
    const feb = periodOfInstant('month', 'Asia/Shanghai', at('2026-02-10T00:00:00Z'));
    expect(elapsedFraction(feb, at('2026-02-27T16:00:00Z'), 'Asia/Shanghai', WEEKDAYS_ONLY)).toBe(1);
    expect(elapsedFraction(feb, at('2026-02-27T15:59:59Z'), 'Asia/Shanghai', WEEKDAYS_ONLY)).toBeLessThan(1);
    // a 31-day month and a 30-day month end where their own last day ends
    const may = periodOfInstant('month', 'Asia/Shanghai', at('2026-05-10T00:00:00Z'));
    expect(elapsedFraction(may, may.end - 1, 'Asia/Shanghai', WEEKDAYS_ONLY)).toBe(1); // Sunday the 31st
    const june = periodOfInstant('month', 'Asia/Shanghai', at('2026-06-10T00:00:00Z'));
    expect(elapsedFraction(june, june.end - 3_600_000, 'Asia/Shanghai', WEEKDAYS_ONLY)).toBeCloseTo(
      (22 - 1 / 24) / 22,
      12,
    ); // Tuesday the 30th, 23:00; June 2026 has 22 weekdays
  });

  it('holidays do not elapse: National Day week leaves 17 working days in October 2026', () => {
    const nationalDay: WorkingCalendar = {
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
    };
    const oct = periodOfInstant('month', 'Asia/Shanghai', at('2026-10-10T00:00:00Z'));
    expect(elapsedFraction(oct, at('2026-10-06T04:00:00Z'), 'Asia/Shanghai', nationalDay)).toBe(0);
    expect(elapsedFraction(oct, at('2026-10-08T04:00:00Z'), 'Asia/Shanghai', nationalDay)).toBeCloseTo(0.5 / 17, 12);
  });

  it('a period without a working day elapses by time', () => {
    const week = periodOfInstant('week', 'Asia/Shanghai', at('2026-10-01T04:00:00Z'));
    const allOff: WorkingCalendar = {
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      holidays: ['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-01', '2026-10-02'],
    };
    const mid = week.start + (week.end - week.start) / 2;
    expect(elapsedFraction(week, mid, 'Asia/Shanghai', allOff)).toBe(0.5);
  });

  it('weekdays of day numbers', () => {
    expect(weekdayOfDay(0)).toBe('thu'); // 1970-01-01
    expect(weekdayOfDay(dayNumberOfDate('2026-12-01'))).toBe('tue');
    expect(weekdayOfDay(-1)).toBe('wed');
  });
});
