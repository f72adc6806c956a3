// UTC offsets of IANA time zones, from Intl (no tz database of our own). Intl is slow (~10 µs), so
// offsets are cached per zone per UTC quarter hour, the finest step at which any zone has changed its
// offset: the last quarter asked, for runs of events, and a map of every quarter seen, for due dates.
const MAX_CACHED = 400_000; // ~11 years of quarter hours per zone; cleared beyond that
const QUARTER_MS = 900_000;

interface ZoneCache {
  format: Intl.DateTimeFormat;
  quarter: number;
  offsetMs: number;
  byQuarter: Map<number, number>;
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
    cache = { format, quarter: Number.NaN, offsetMs: 0, byQuarter: new Map() };
    zones.set(timeZone, cache);
  }
  return cache;
}

function computeOffset(format: Intl.DateTimeFormat, utcMs: number): number {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of format.formatToParts(utcMs)) parts[part.type] = Number(part.value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  // utcMs is a quarter hour (zoneOffsetMs asks no other), so whole seconds like Intl's parts
  return Date.UTC(year, month - 1, day, hour, minute, second) - utcMs;
}

// Offset of local time from UTC at the instant utcMs (Asia/Shanghai → +8 h).
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const cache = zoneCache(timeZone);
  const quarter = Math.floor(utcMs / QUARTER_MS);
  // Stryker disable next-line ConditionalExpression: the caches change only speed (equivalent mutants)
  if (quarter !== cache.quarter) {
    let offset = cache.byQuarter.get(quarter);
    // Stryker disable next-line ConditionalExpression: recomputing a cached offset gives the same offset
    if (offset === undefined) {
      offset = computeOffset(cache.format, quarter * QUARTER_MS);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: when to clear changes only memory
      if (cache.byQuarter.size >= MAX_CACHED) cache.byQuarter.clear();
      cache.byQuarter.set(quarter, offset);
    }
    cache.offsetMs = offset;
    cache.quarter = quarter;
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
