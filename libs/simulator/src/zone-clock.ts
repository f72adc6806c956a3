// Local calendar arithmetic for one IANA time zone, for writing event times fast: the offsets and
// local days come from #libs/time (Intl, DST-correct), the formatting is done here without Intl.
import { dateOfDayNumber, dayNumberOfDate, isValidTimeZone, startOfLocalDay, zoneOffsetMs } from '#libs/time';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

export interface ZoneClock {
  readonly timeZone: string;
  // minutes east of UTC at the instant
  offsetMinutes(ms: number): number;
  // RFC 3339 with the zone's offset, whole seconds: 2026-11-02T09:15:03+08:00
  formatTime(ms: number): string;
  // days since 1970-01-01 of the local calendar date at the instant
  localDay(ms: number): number;
  // the instant of local midnight starting the local day (or the first instant of it)
  startOfDay(day: number): number;
  // local hour of day, 0–23
  localHour(ms: number): number;
}

export { isValidTimeZone };

// 'YYYY-MM-DD' → day index, or undefined when it is not a real calendar date.
export function parseLocalDate(text: string): number | undefined {
  const day = dayNumberOfDate(text);
  return Number.isNaN(day) ? undefined : day;
}

export const formatLocalDate = dateOfDayNumber;

// 0 = Sunday … 6 = Saturday
export function weekdayOf(day: number): number {
  // 1970-01-01 was a Thursday
  return (((day + 4) % 7) + 7) % 7;
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hours = Math.floor(abs / 60);
  const rest = abs % 60;
  return `${sign}${hours < 10 ? '0' : ''}${hours}:${rest < 10 ? '0' : ''}${rest}`;
}

export function createZoneClock(timeZone: string): ZoneClock {
  const offsetTexts = new Map<number, string>();
  const offsetMinutes = (ms: number): number => zoneOffsetMs(timeZone, ms) / 60_000;

  const offsetText = (minutes: number): string => {
    let text = offsetTexts.get(minutes);
    if (text === undefined) {
      text = formatOffset(minutes);
      offsetTexts.set(minutes, text);
    }
    return text;
  };

  let lastDay = Number.NaN;
  let lastDate = '';
  const localDay = (ms: number): number => Math.floor((ms + offsetMinutes(ms) * 60_000) / DAY_MS);

  return {
    timeZone,
    offsetMinutes,
    formatTime: (ms) => {
      const offset = offsetMinutes(ms);
      const wall = Math.floor((ms + offset * 60_000) / 1000);
      const day = Math.floor(wall / 86_400);
      if (day !== lastDay) {
        lastDay = day;
        lastDate = formatLocalDate(day);
      }
      const second = wall - day * 86_400;
      const hour = Math.floor(second / 3600);
      const minute = Math.floor((second % 3600) / 60);
      return `${lastDate}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second % 60]}${offsetText(offset)}`;
    },
    localDay,
    startOfDay: (day) => startOfLocalDay(timeZone, day),
    localHour: (ms) => {
      const wall = ms + offsetMinutes(ms) * 60_000;
      return Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
    },
  };
}
