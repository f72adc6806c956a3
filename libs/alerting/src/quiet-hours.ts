import { zoneOffsetMs } from '#libs/time';
import type { QuietHours } from './subscription';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

// "22:00" → minutes since midnight, or null when not a 24-hour HH:MM.
export function minuteOfDay(text: string): number | null {
  const m = HH_MM.exec(text);
  return m === null ? null : Number(m[1]) * 60 + Number(m[2]);
}

// When the quiet hours holding `now` end (an instant, ms), or null when `now` is not inside them.
// A window whose from equals its to is empty. Local times are read in the org's zone at `now`.
export function quietUntil(quiet: QuietHours | null, timeZone: string, now: number): number | null {
  if (quiet === null) return null;
  const from = minuteOfDay(quiet.from);
  const to = minuteOfDay(quiet.to);
  if (from === null || to === null || from === to) return null;
  const localMs = now + zoneOffsetMs(timeZone, now);
  const minute = Math.floor((((localMs % 86_400_000) + 86_400_000) % 86_400_000) / MINUTE_MS);
  const inside = from < to ? minute >= from && minute < to : minute >= from || minute < to;
  if (!inside) return null;
  const left = (to - minute + DAY_MINUTES) % DAY_MINUTES;
  // to the start of the minute `to` (a zone change inside quiet hours moves it by the change, at most)
  return now - (localMs % MINUTE_MS) + left * MINUTE_MS;
}
