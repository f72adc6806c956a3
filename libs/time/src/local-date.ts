import { zoneOffsetMs } from './zone-offset';

export const DAY_MS = 86_400_000;

// A local calendar date as a day number: days since 1970-01-01 (the date, not an instant).
export function localDayNumber(timeZone: string, utcMs: number): number {
  return Math.floor((utcMs + zoneOffsetMs(timeZone, utcMs)) / DAY_MS);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// `YYYY-MM-DD` → day number, or NaN when it is not a valid calendar date.
export function dayNumberOfDate(date: string): number {
  const m = DATE_RE.exec(date);
  if (m === null) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return ms / DAY_MS;
}

export function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

// The instant a local day starts. Where a DST change skips midnight, the day starts at the first
// local instant that exists (e.g. 01:00), which the second correction pass finds.
export function startOfLocalDay(timeZone: string, day: number): number {
  const wallMs = day * DAY_MS;
  let guess = wallMs - zoneOffsetMs(timeZone, wallMs);
  guess = wallMs - zoneOffsetMs(timeZone, guess);
  const local = guess + zoneOffsetMs(timeZone, guess);
  if (Math.floor(local / DAY_MS) < day) {
    // the guess landed in the previous day (a skipped midnight): move to the first hour that exists
    guess += DAY_MS - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  }
  return guess;
}

// Local date and time as an ISO string with offset, e.g. 2026-11-01T00:00:00+08:00.
export function formatLocal(timeZone: string, utcMs: number): string {
  const offset = zoneOffsetMs(timeZone, utcMs);
  const local = new Date(utcMs + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  // Stryker disable next-line EqualityOperator: `offset <= 0` is equivalent, 0 has returned above
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}
