import { DAY_MS, localDayNumber, zoneOffsetMs } from '#libs/time';
import { ReviewInputError } from './review-input-error';

// When the weekly packs are made: a weekday and a local time in the org's time zone (default Monday
// 09:00). Each run makes the packs of the week that ended before it.
export interface ReviewSchedule {
  weekday: number; // ISO: 1 = Monday … 7 = Sunday
  minuteOfDay: number; // local minutes after midnight
}

export const DEFAULT_SCHEDULE: ReviewSchedule = { weekday: 1, minuteOfDay: 9 * 60 };

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// `mon 09:00` (a weekday's first three letters and a 24-hour time)
export function parseSchedule(text: string, field: string): ReviewSchedule {
  const m = /^([a-z]{3}) ([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim().toLowerCase());
  const weekday = m === null ? -1 : DAYS.indexOf(m[1]!);
  if (m === null || weekday < 0)
    throw new ReviewInputError(field, 'invalid_value', `must be a weekday and a time, like "mon 09:00"; got "${text}"`);
  return { weekday: weekday + 1, minuteOfDay: Number(m[2]) * 60 + Number(m[3]) };
}

// the instant a local day's wall-clock minute falls on (a minute a DST change skips: the hour after)
function localInstant(timeZone: string, day: number, minute: number): number {
  const wall = day * DAY_MS + minute * 60_000;
  let guess = wall - zoneOffsetMs(timeZone, wall);
  guess = wall - zoneOffsetMs(timeZone, guess);
  return guess;
}

// The latest scheduled run at or before `now` in the zone: the one whose week is due.
export function latestRunAt(timeZone: string, schedule: ReviewSchedule, now: number): number {
  const today = localDayNumber(timeZone, now);
  const isoWeekday = ((((today + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday (4)
  let day = today - ((isoWeekday - schedule.weekday + 7) % 7);
  let at = localInstant(timeZone, day, schedule.minuteOfDay);
  if (at > now) at = localInstant(timeZone, (day -= 7), schedule.minuteOfDay);
  return at;
}
