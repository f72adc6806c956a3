// Local calendar arithmetic for one IANA time zone. Offsets come from Intl (so DST zones such as
// America/New_York are right on both sides of a change) and are cached per quarter hour, the
// finest granularity at which any zone changes its offset.
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
const QUARTER_HOUR_MS = 900_000;

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

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

// 'YYYY-MM-DD' → day index, or undefined when it is not a real calendar date.
export function parseLocalDate(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const date = Number(match[3]);
  const ms = Date.UTC(year, month - 1, date);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) {
    return undefined;
  }
  return ms / DAY_MS;
}

export function formatLocalDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

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
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsets = new Map<number, number>();
  const offsetTexts = new Map<number, string>();

  const computeOffset = (ms: number): number => {
    const fields: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(ms))) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const asUtc = Date.UTC(
      fields.year ?? 1970,
      (fields.month ?? 1) - 1,
      fields.day ?? 1,
      fields.hour ?? 0,
      fields.minute ?? 0,
      fields.second ?? 0,
    );
    return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
  };

  // most lookups hit the bucket of the previous one: the stream moves forward in time
  let lastBucket = Number.NaN;
  let lastOffset = 0;
  const offsetMinutes = (ms: number): number => {
    const bucket = Math.floor(ms / QUARTER_HOUR_MS);
    if (bucket === lastBucket) return lastOffset;
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      offset = computeOffset(bucket * QUARTER_HOUR_MS);
      offsets.set(bucket, offset);
    }
    lastBucket = bucket;
    lastOffset = offset;
    return offset;
  };

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
    startOfDay: (day) => {
      const wall = day * DAY_MS;
      let instant = wall - offsetMinutes(wall) * 60_000;
      instant = wall - offsetMinutes(instant) * 60_000;
      // where midnight does not exist (a DST jump at 00:00) the day starts at the first hour after it
      while (localDay(instant) < day) instant += QUARTER_HOUR_MS;
      while (localDay(instant - QUARTER_HOUR_MS) === day) instant -= QUARTER_HOUR_MS;
      return instant;
    },
    localHour: (ms) => {
      const wall = ms + offsetMinutes(ms) * 60_000;
      return Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
    },
  };
}
