import { describe, expect, it } from 'vitest';
import type { IndicatorDef } from '#libs/definitions';
import { closesAt, duePeriods, graceOf } from './close-schedule';
import { card } from './fixtures.fixture';

const indicator = (id: string, allowedLatenessMs: number) => ({ id, allowedLatenessMs }) as IndicatorDef;
const H = 3_600_000;

describe('the close schedule', () => {
  it("defaults the grace to the longest allowed lateness of the card's indicators, else takes the card's", () => {
    const indicators = new Map([
      ['support.csat', indicator('support.csat', 2 * 24 * H)],
      ['presales.sales_amount', indicator('presales.sales_amount', 7 * 24 * H)],
      ['other', indicator('other', 90 * 24 * H)],
    ]);
    expect(graceOf(card(), indicators)).toBe(7 * 24 * H);
    expect(graceOf(card({ close: { graceMs: H } }), indicators)).toBe(H);
    expect(graceOf(card({ close: { graceMs: 0 } }), indicators)).toBe(0);
    // an indicator not among those given allows no lateness
    expect(graceOf(card(), new Map([['support.csat', indicator('support.csat', 2 * 24 * H)]]))).toBe(2 * 24 * H);
    expect(graceOf(card(), new Map())).toBe(0);
  });

  it('closes a week at its local end across the spring DST change, plus the grace', () => {
    // Europe/Berlin moves from +01:00 to +02:00 on Sunday 2026-03-29: the ISO week of Monday 23 March
    // runs from 2026-03-22T23:00Z to 2026-03-29T22:00Z, 167 hours
    const weekly = card({ period: 'week' });
    const zone = 'Europe/Berlin';
    const atBoundary = Date.parse('2026-03-30T00:00:00Z'); // the week's end + 2 h of grace
    const [week] = duePeriods(weekly, zone, atBoundary, 2 * H, 1);
    expect(week).toEqual({ start: Date.parse('2026-03-22T23:00:00Z'), end: Date.parse('2026-03-29T22:00:00Z') });
    expect(closesAt(week!, 2 * H)).toBe(atBoundary);
    // a millisecond earlier the week is not due: the latest due is the one before (still +01:00)
    expect(duePeriods(weekly, zone, atBoundary - 1, 2 * H, 1)).toEqual([
      { start: Date.parse('2026-03-15T23:00:00Z'), end: Date.parse('2026-03-22T23:00:00Z') },
    ]);
  });

  it('lists the latest periods due, oldest first, across the autumn change in New York', () => {
    // America/New_York leaves -04:00 for -05:00 on 2026-11-01: October ends at 04:00Z, November at 05:00Z
    const monthly = card();
    const due = duePeriods(monthly, 'America/New_York', Date.parse('2026-12-01T05:00:00Z'), 0, 2);
    expect(due).toEqual([
      { start: Date.parse('2026-10-01T04:00:00Z'), end: Date.parse('2026-11-01T04:00:00Z') },
      { start: Date.parse('2026-11-01T04:00:00Z'), end: Date.parse('2026-12-01T05:00:00Z') },
    ]);
  });
});
