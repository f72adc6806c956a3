// UTC offsets of IANA time zones, from Intl (no tz database of our own). Intl is slow (~µs), so offsets
// are cached per zone per UTC hour: every real DST transition falls on an hour boundary in UTC.
const HOUR_MS = 3_600_000;

interface ZoneCache {
  format: Intl.DateTimeFormat;
  hour: number;
  offsetMs: number;
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
    cache = { format, hour: Number.NaN, offsetMs: 0 };
    zones.set(timeZone, cache);
  }
  return cache;
}

function computeOffset(format: Intl.DateTimeFormat, utcMs: number): number {
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const part of format.formatToParts(utcMs)) {
    switch (part.type) {
      case 'year':
        y = Number(part.value);
        break;
      case 'month':
        mo = Number(part.value);
        break;
      case 'day':
        d = Number(part.value);
        break;
      case 'hour':
        h = Number(part.value);
        break;
      case 'minute':
        mi = Number(part.value);
        break;
      case 'second':
        s = Number(part.value);
        break;
      default:
        break;
    }
  }
  const asIfUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const wholeSecond = utcMs - (((utcMs % 1000) + 1000) % 1000);
  return asIfUtc - wholeSecond;
}

// Offset of local time from UTC at the instant utcMs (Asia/Shanghai → +8 h).
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const cache = zoneCache(timeZone);
  const hour = Math.floor(utcMs / HOUR_MS);
  if (hour !== cache.hour) {
    cache.offsetMs = computeOffset(cache.format, hour * HOUR_MS);
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
