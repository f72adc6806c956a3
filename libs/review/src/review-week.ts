import { dateOfDayNumber, localDayNumber, periodOfDay, type Period } from '#libs/time';

// A review week: an ISO week (Monday first) in the org's time zone, named `2026-W48`. Its start and end
// are instants, so a week across a DST change is 167 or 169 hours long.
export interface ReviewWeek extends Period {
  label: string; // ISO 8601 week: YYYY-Www
  timeZone: string;
}

const LABEL_RE = /^(\d{4})-W(\d{2})$/;
const MS_PER_DAY = 86_400_000;

// the Monday (day number) of ISO week 1 of an ISO week-year: the week that holds 4 January
function mondayOfWeekOne(year: number): number {
  const jan4 = Date.UTC(year, 0, 4) / MS_PER_DAY;
  const weekday = (((jan4 + 3) % 7) + 7) % 7; // Monday → 0 (1970-01-01 was a Thursday)
  return jan4 - weekday;
}

function labelOfMonday(monday: number): string {
  const thursday = monday + 3; // an ISO week belongs to the year of its Thursday
  const year = new Date(thursday * MS_PER_DAY).getUTCFullYear();
  const week = Math.floor((monday - mondayOfWeekOne(year)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function weekOfMonday(timeZone: string, monday: number): ReviewWeek {
  return { ...periodOfDay('week', timeZone, monday), label: labelOfMonday(monday), timeZone };
}

// the week an instant falls in, on the org's calendar
export function weekOfInstant(timeZone: string, instant: number): ReviewWeek {
  const day = localDayNumber(timeZone, instant);
  return weekOfMonday(timeZone, day - ((((day + 3) % 7) + 7) % 7));
}

// `2026-W48` → the week, or undefined when it is no ISO week (W53 only in years that have one)
export function parseWeekLabel(timeZone: string, label: string): ReviewWeek | undefined {
  const m = LABEL_RE.exec(label);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week < 1) return undefined;
  const monday = mondayOfWeekOne(year) + (week - 1) * 7;
  const found = weekOfMonday(timeZone, monday);
  return found.label === label ? found : undefined;
}

export function previousWeek(week: ReviewWeek): ReviewWeek {
  return weekOfInstant(week.timeZone, week.start - 1);
}

// the week's first and last local dates, YYYY-MM-DD, for headings
export function weekDates(week: ReviewWeek): { first: string; last: string } {
  const monday = localDayNumber(week.timeZone, week.start);
  return { first: dateOfDayNumber(monday), last: dateOfDayNumber(monday + 6) };
}
