import { describe, expect, it } from 'vitest';
import { ReviewInputError } from './review-input-error';
import { DEFAULT_SCHEDULE, latestRunAt, parseSchedule } from './review-schedule';

const iso = (ms: number) => new Date(ms).toISOString();

describe('the review schedule', () => {
  it('runs Monday 09:00 in the org time zone by default', () => {
    const now = Date.parse('2026-12-02T12:00:00+08:00'); // a Wednesday in Shanghai
    expect(iso(latestRunAt('Asia/Shanghai', DEFAULT_SCHEDULE, now))).toBe('2026-11-30T01:00:00.000Z');
  });

  it('is last week’s run until the minute it is due, then this week’s', () => {
    const due = Date.parse('2026-11-30T09:00:00+08:00');
    expect(latestRunAt('Asia/Shanghai', DEFAULT_SCHEDULE, due)).toBe(due);
    expect(iso(latestRunAt('Asia/Shanghai', DEFAULT_SCHEDULE, due - 1))).toBe('2026-11-23T01:00:00.000Z');
  });

  it('keeps the local time across a DST change (Berlin: 09:00 is 08:00Z in winter, 07:00Z in summer)', () => {
    const schedule = parseSchedule('mon 09:00', 'REVIEW_PACK_SCHEDULE');
    expect(iso(latestRunAt('Europe/Berlin', schedule, Date.parse('2026-10-27T00:00:00Z')))).toBe(
      '2026-10-26T08:00:00.000Z',
    );
    expect(iso(latestRunAt('Europe/Berlin', schedule, Date.parse('2026-10-20T00:00:00Z')))).toBe(
      '2026-10-19T07:00:00.000Z',
    );
  });

  it('reads another weekday and time, and refuses what it cannot read by the variable’s name', () => {
    expect(parseSchedule('Fri 17:30', 'X')).toEqual({ weekday: 5, minuteOfDay: 17 * 60 + 30 });
    expect(() => parseSchedule('monday 9am', 'REVIEW_PACK_SCHEDULE')).toThrow(ReviewInputError);
    expect(() => parseSchedule('mon 24:00', 'REVIEW_PACK_SCHEDULE')).toThrow(/REVIEW_PACK_SCHEDULE/);
  });
});
