import type { OrgSettings, WindowName } from '#libs/definitions';

// The oracle's own clock and calendar, derived from the documented rules (docs/definitions.md,
// docs/indicator-engine.md, docs/events.md) with no engine code: a bug in the engine's rolling specs,
// periods or keys then shows as a difference instead of moving both sides. Slow and plain on purpose.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// "rolling:1h|24h|7d|30d … bucketed: 1h in 1-minute, 24h in 15-minute, 7d in 1-hour and 30d in 6-hour
// buckets" (docs/definitions.md); the bucket count is the span over the bucket.
const ROLLING: Readonly<Record<string, { spanMs: number; bucketMs: number }>> = {
  'rolling:1h': { spanMs: HOUR, bucketMs: MINUTE },
  'rolling:24h': { spanMs: DAY, bucketMs: 15 * MINUTE },
  'rolling:7d': { spanMs: 7 * DAY, bucketMs: HOUR },
  'rolling:30d': { spanMs: 30 * DAY, bucketMs: 6 * HOUR },
};

export interface Span {
  start: number; // inclusive, UTC ms
  end: number; // exclusive for calendar periods; the as-of instant for rolling windows
}

export function rollingWindow(window: WindowName): { spanMs: number; bucketMs: number } | undefined {
  return ROLLING[window];
}

// "Rolling 24h as of T holds the events of the 96 buckets ending with T's bucket" (buckets aligned to UTC).
export function rollingSpan(window: WindowName, asOf: number): Span {
  const spec = ROLLING[window];
  if (spec === undefined) throw new Error(`${window} is not rolling`);
  const buckets = spec.spanMs / spec.bucketMs;
  return { start: (Math.floor(asOf / spec.bucketMs) - buckets + 1) * spec.bucketMs, end: asOf };
}

export function inRollingWindow(window: WindowName, at: number, asOf: number): boolean {
  return at >= rollingSpan(window, asOf).start && at <= asOf;
}

// The longest a window's period can last: a rolling span, or a calendar period's most days plus the
// hour a DST change can add. The horizon is the longest of these plus lateness (docs/indicator-engine.md).
export function longestSpanMs(window: WindowName): number {
  const rolling = ROLLING[window];
  if (rolling !== undefined) return rolling.spanMs;
  const days: Record<string, number> = { day: 1, week: 7, month: 31, quarter: 92, year: 366 };
  return (days[window] as number) * DAY + HOUR;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const datesByMinute = new Map<string, string>();

// The local calendar date (YYYY-MM-DD) of an instant in an IANA zone, straight from Intl; remembered per
// UTC minute (offsets change on minute boundaries), as the oracle asks the same instants again and again.
export function localDate(timeZone: string, ms: number): string {
  const minuteKey = `${timeZone}|${Math.floor(ms / MINUTE)}`;
  const known = datesByMinute.get(minuteKey);
  if (known !== undefined) return known;
  let format = dateFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  datesByMinute.set(minuteKey, date);
  return date;
}

// A valid YYYY-MM-DD as days since 1970-01-01, else NaN.
export function dayIndex(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return Number.NaN;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date ? ms / DAY : Number.NaN;
}

function dateOfIndex(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

const dayStarts = new Map<string, number>();

// The first instant whose local date is `date`: a binary search over whole minutes (offsets change on
// minute boundaries), so a midnight that DST skips starts the day at the first local minute that exists.
// Assumes local dates never go backwards across a day start, true of the zones the tests use.
export function startOfDate(timeZone: string, date: string): number {
  const cacheKey = `${timeZone}|${date}`;
  const cached = dayStarts.get(cacheKey);
  if (cached !== undefined) return cached;
  const wall = dayIndex(date) * DAY;
  let lo = (wall - 16 * HOUR) / MINUTE; // local date before `date` (no zone is 16 h ahead)
  let hi = (wall + 16 * HOUR) / MINUTE; // local date on or after `date`
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(timeZone, mid * MINUTE) < date) lo = mid;
    else hi = mid;
  }
  dayStarts.set(cacheKey, hi * MINUTE);
  return hi * MINUTE;
}

// The first local date of the calendar period holding `date`, and of the next one. Weeks are ISO
// (Monday first); quarters start in January, April, July and October.
function periodDates(window: WindowName, date: string): [string, string] {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const day = dayIndex(date);
  if (window === 'day') return [date, dateOfIndex(day + 1)];
  if (window === 'week') {
    const sinceMonday = (new Date(day * DAY).getUTCDay() + 6) % 7;
    return [dateOfIndex(day - sinceMonday), dateOfIndex(day - sinceMonday + 7)];
  }
  const months = { month: 1, quarter: 3, year: 12 }[window as string];
  if (months === undefined) throw new Error(`${window} is not a calendar window`);
  const first = m - ((m - 1) % months); // January, the quarter's first month, or the month itself
  const firstOf = (month: number) => new Date(Date.UTC(y, month - 1, 1)).toISOString().slice(0, 10);
  return [firstOf(first), firstOf(first + months)];
}

// The local calendar period (day, ISO week, month, quarter, year) of a local date in the zone.
function periodOfDate(window: WindowName, timeZone: string, date: string): Span {
  const [first, next] = periodDates(window, date);
  return { start: startOfDate(timeZone, first), end: startOfDate(timeZone, next) };
}

export function periodOfTime(window: WindowName, timeZone: string, ms: number): Span {
  return periodOfDate(window, timeZone, localDate(timeZone, ms));
}

// The event's identity as the contract writes it: `<length of source>:<source>:<id>` (docs/events.md);
// its string order breaks ties between manual scores and re-issued invoices.
export function eventKey(e: { source: string; id: string }): string {
  return `${e.source.length}:${e.source}:${e.id}`;
}

// An org's settings, else the `*` default (docs/definitions.md, `orgs`).
export function orgOf(orgs: readonly OrgSettings[], orgId: string): OrgSettings | undefined {
  return orgs.find((o) => o.id === orgId) ?? orgs.find((o) => o.id === '*');
}

// An amount in another currency, in the org's reporting currency: converted at the org's rate and
// rounded to 1e-6, or undefined (rejected) when the org has no positive rate for it (docs/events.md).
export function converted(amount: unknown, currency: string, org: OrgSettings): number | undefined {
  const rate = Object.entries(org.exchangeRates).find(([c]) => c === currency)?.[1];
  if (rate === undefined || !(rate > 0) || typeof amount !== 'number' || !Number.isFinite(amount)) return undefined;
  return Math.round(amount * rate * 1e6) / 1e6;
}
