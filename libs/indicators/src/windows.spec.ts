import { describe, expect, it } from 'vitest';
import { periodOfInstant } from '#libs/time';
import { maxWindowSpanMs, ROLLING_SPECS } from './windows';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('window spans', () => {
  it('rolling windows are the documented rings: 60 × 1 min, 96 × 15 min, 168 × 1 h, 120 × 6 h', () => {
    expect(ROLLING_SPECS).toEqual({
      'rolling:1h': { bucketMs: 60_000, buckets: 60 },
      'rolling:24h': { bucketMs: 15 * 60_000, buckets: 96 },
      'rolling:7d': { bucketMs: HOUR, buckets: 168 },
      'rolling:30d': { bucketMs: 6 * HOUR, buckets: 120 },
    });
    expect(maxWindowSpanMs('rolling:1h')).toBe(HOUR);
    expect(maxWindowSpanMs('rolling:24h')).toBe(DAY);
    expect(maxWindowSpanMs('rolling:7d')).toBe(7 * DAY);
    expect(maxWindowSpanMs('rolling:30d')).toBe(30 * DAY);
  });

  it('a calendar window spans its longest period: the most days plus the hour a DST change adds', () => {
    expect(maxWindowSpanMs('day')).toBe(DAY + HOUR);
    expect(maxWindowSpanMs('week')).toBe(7 * DAY + HOUR);
    expect(maxWindowSpanMs('month')).toBe(31 * DAY + HOUR);
    expect(maxWindowSpanMs('quarter')).toBe(92 * DAY + HOUR);
    expect(maxWindowSpanMs('year')).toBe(366 * DAY + HOUR);
  });

  it('London periods that end with the autumn change reach the span exactly, and none passes it', () => {
    const span = (window: 'day' | 'week' | 'month' | 'quarter' | 'year', iso: string) => {
      const p = periodOfInstant(window, 'Europe/London', Date.parse(iso));
      return p.end - p.start;
    };
    expect(span('day', '2026-10-25T12:00:00Z')).toBe(maxWindowSpanMs('day'));
    expect(span('week', '2026-10-25T12:00:00Z')).toBe(maxWindowSpanMs('week'));
    expect(span('month', '2026-10-25T12:00:00Z')).toBe(maxWindowSpanMs('month'));
    expect(span('quarter', '2026-10-25T12:00:00Z')).toBe(maxWindowSpanMs('quarter'));
    expect(span('year', '2028-06-01T12:00:00Z')).toBe(maxWindowSpanMs('year') - HOUR); // a leap year
  });
});
