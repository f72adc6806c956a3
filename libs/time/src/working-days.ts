import type { Period } from './calendar-period';
import { dateOfDayNumber, localDayNumber, startOfLocalDay } from './local-date';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// An org's working days: the weekdays it works, less its holidays (local dates, YYYY-MM-DD).
export interface WorkingCalendar {
  workingDays: readonly Weekday[];
  holidays: readonly string[];
}

// The weekday of a local day number (1970-01-01 was a Thursday).
export function weekdayOfDay(day: number): Weekday {
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7] ?? 'mon';
}

// The fraction of the period elapsed at `at`, in [0, 1]: by time, or, with a calendar, by its working
// days, each weighing one whatever its length (a DST day of 23 or 25 hours too) and elapsing evenly
// over its local day. A period without a single working day is measured by time.
export function elapsedFraction(period: Period, at: number, timeZone: string, calendar?: WorkingCalendar): number {
  const byTime = Math.min(1, Math.max(0, (at - period.start) / (period.end - period.start)));
  if (calendar === undefined) return byTime;
  const holidays = new Set(calendar.holidays);
  const workingDays = new Set(calendar.workingDays);
  const first = localDayNumber(timeZone, period.start);
  const last = localDayNumber(timeZone, period.end - 1);
  let working = 0;
  let elapsed = 0;
  for (let day = first; day <= last; day++) {
    if (!workingDays.has(weekdayOfDay(day)) || holidays.has(dateOfDayNumber(day))) continue;
    working++;
    const start = startOfLocalDay(timeZone, day);
    const end = startOfLocalDay(timeZone, day + 1);
    elapsed += Math.min(1, Math.max(0, (at - start) / (end - start)));
  }
  return working === 0 ? byTime : elapsed / working;
}
