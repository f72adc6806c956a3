import { describe, expect, it } from 'vitest';
import { parseWeekLabel, previousWeek, weekDates, weekOfInstant } from './review-week';

describe('review weeks', () => {
  it('is the ISO week in the org time zone: a Monday 00:30 in Shanghai is still Sunday in UTC', () => {
    const instant = Date.parse('2026-11-30T00:30:00+08:00');
    expect(weekOfInstant('Asia/Shanghai', instant).label).toBe('2026-W49');
    expect(weekOfInstant('UTC', instant).label).toBe('2026-W48');
    const week = weekOfInstant('Asia/Shanghai', instant);
    expect(new Date(week.start).toISOString()).toBe('2026-11-29T16:00:00.000Z');
    expect(week.end - week.start).toBe(7 * 86_400_000);
  });

  it('names weeks at year ends as ISO 8601 does', () => {
    expect(weekOfInstant('UTC', Date.parse('2026-01-01T12:00:00Z')).label).toBe('2026-W01');
    expect(weekOfInstant('UTC', Date.parse('2027-01-01T12:00:00Z')).label).toBe('2026-W53');
    expect(weekOfInstant('UTC', Date.parse('2025-12-29T12:00:00Z')).label).toBe('2026-W01');
  });

  it('parses a label back to the same week, and refuses weeks that do not exist', () => {
    const week = parseWeekLabel('Europe/Berlin', '2026-W44');
    expect(week?.label).toBe('2026-W44');
    expect(weekDates(week!)).toEqual({ first: '2026-10-26', last: '2026-11-01' });
    expect(parseWeekLabel('UTC', '2026-W53')?.label).toBe('2026-W53');
    expect(parseWeekLabel('UTC', '2025-W53')).toBeUndefined();
    expect(parseWeekLabel('UTC', '2026-W00')).toBeUndefined();
    expect(parseWeekLabel('UTC', '2026-W54')).toBeUndefined();
    expect(parseWeekLabel('UTC', '2026-48')).toBeUndefined();
  });

  it('crosses years: week 1 can start in December, week 53 end in January, and each follows the other', () => {
    const first = parseWeekLabel('Asia/Shanghai', '2026-W01')!;
    expect(weekDates(first)).toEqual({ first: '2025-12-29', last: '2026-01-04' });
    expect(previousWeek(first).label).toBe('2025-W52');
    const last = parseWeekLabel('Asia/Shanghai', '2026-W53')!;
    expect(weekDates(last)).toEqual({ first: '2026-12-28', last: '2027-01-03' });
    expect(previousWeek(parseWeekLabel('Asia/Shanghai', '2027-W01')!)).toEqual(last);
    expect(weekOfInstant('Asia/Shanghai', last.end - 1).label).toBe('2026-W53');
    expect(weekOfInstant('Asia/Shanghai', last.end).label).toBe('2027-W01');
  });

  it('puts one instant in different weeks on either side of the date line', () => {
    const instant = Date.parse('2026-11-29T12:00:00Z'); // Sunday noon in UTC
    expect(weekOfInstant('Pacific/Kiritimati', instant).label).toBe('2026-W49'); // UTC+14: Monday 02:00
    expect(weekOfInstant('Pacific/Pago_Pago', instant).label).toBe('2026-W48'); // UTC−11: Sunday 01:00
  });

  it('holds 169 hours across the autumn DST change, and the week before ends where it starts', () => {
    const week = parseWeekLabel('Europe/Berlin', '2026-W43')!; // Sunday 25 October: 03:00 → 02:00
    expect((week.end - week.start) / 3_600_000).toBe(169);
    const next = parseWeekLabel('Europe/Berlin', '2026-W44')!;
    expect(previousWeek(next)).toEqual(week);
  });
});
