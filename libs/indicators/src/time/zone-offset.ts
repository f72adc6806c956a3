// UTC offsets of IANA time zones, from Intl (no tz database of our own). Intl is slow (~10 µs), so
// offsets are cached per zone per UTC hour (every real DST transition falls on an hour boundary in UTC):
// the last hour asked, for runs of events, and a map of every hour seen, for due dates and the like.
const MAX_CACHED_HOURS = 200_000; // ~23 years of hours per zone; cleared beyond that
const HOUR_MS = 3_600_000;

interface ZoneCache {
  format: Intl.DateTimeFormat;
  hour: number;
  offsetMs: number;
  byHour: Map<number, number>;
}

const zones = new Map<string, ZoneCache>();

function zoneCache(timeZone: string): ZoneCache {
  let cache = zones.get(timeZone);
  if (cache === undefined) {
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
    cache = { format, hour: Number.NaN, offsetMs: 0, byHour: new Map() };
    zones.set(timeZone, cache);
  }
  return cache;
}

function computeOffset(format: Intl.DateTimeFormat, utcMs: number): number {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of format.formatToParts(utcMs)) parts[part.type] = Number(part.value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const asIfUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const wholeSecond = utcMs - (((utcMs % 1000) + 1000) % 1000);
  return asIfUtc - wholeSecond;
}

// Offset of local time from UTC at the instant utcMs (Asia/Shanghai → +8 h).
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const cache = zoneCache(timeZone);
  const hour = Math.floor(utcMs / HOUR_MS);
  if (hour !== cache.hour) {
    let offset = cache.byHour.get(hour);
    if (offset === undefined) {
      offset = computeOffset(cache.format, hour * HOUR_MS);
      if (cache.byHour.size >= MAX_CACHED_HOURS) cache.byHour.clear();
      cache.byHour.set(hour, offset);
    }
    cache.offsetMs = offset;
    cache.hour = hour;
  }
  return cache.offsetMs;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
