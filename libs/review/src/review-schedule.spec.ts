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

  it('runs at the local time on the day of a DST change itself (a minute the change skips: an hour later)', () => {
    const sunday = (text: string, zone: string, now: string) =>
      iso(latestRunAt(zone, parseSchedule(text, 'X'), Date.parse(now)));
    expect(sunday('sun 00:30', 'Europe/Berlin', '2026-03-29T12:00:00Z')).toBe('2026-03-28T23:30:00.000Z'); // CET
    expect(sunday('sun 02:30', 'Europe/Berlin', '2026-03-29T12:00:00Z')).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(sunday('sun 00:30', 'Europe/Berlin', '2026-10-25T12:00:00Z')).toBe('2026-10-24T22:30:00.000Z'); // CEST
    expect(sunday('sun 09:00', 'America/New_York', '2026-03-08T20:00:00Z')).toBe('2026-03-08T13:00:00.000Z'); // EDT
  });

  it('reads another weekday and time, in any case and with spaces around', () => {
    expect(parseSchedule('Fri 17:30', 'X')).toEqual({ weekday: 5, minuteOfDay: 17 * 60 + 30 });
    expect(parseSchedule(' SUN 00:00 ', 'X')).toEqual({ weekday: 7, minuteOfDay: 0 });
    expect(parseSchedule('wed 23:59', 'X')).toEqual({ weekday: 3, minuteOfDay: 23 * 60 + 59 });
  });

  it('refuses what it cannot read by the variable’s name', () => {
    for (const text of [
      'monday 9am',
      'mon 24:00',
      'mon 9:00',
      'xmon 09:00',
      'mon 09:001',
      'mon 09:60',
      'xyz 09:00',
      '',
    ])
      expect(() => parseSchedule(text, 'REVIEW_PACK_SCHEDULE'), text).toThrow(ReviewInputError);
    const refusal = (() => {
      try {
        return parseSchedule('xyz 09:00', 'REVIEW_PACK_SCHEDULE');
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toMatchObject({
      field: 'REVIEW_PACK_SCHEDULE',
      code: 'invalid_value',
      message: 'REVIEW_PACK_SCHEDULE: must be a weekday and a time, like "mon 09:00"; got "xyz 09:00"',
    });
  });
});
