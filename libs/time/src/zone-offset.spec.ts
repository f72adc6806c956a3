import { describe, expect, it } from 'vitest';
import { isValidTimeZone, zoneOffsetMs } from './zone-offset';

const HOUR = 3_600_000;

describe('zone offsets', () => {
  it('follow DST to the instant of the change, and hold for instants before 1970', () => {
    const change = Date.parse('2026-03-08T07:00:00Z'); // New York: 02:00 EST becomes 03:00 EDT
    expect(zoneOffsetMs('America/New_York', change - 1)).toBe(-5 * HOUR);
    expect(zoneOffsetMs('America/New_York', change)).toBe(-4 * HOUR);
    expect(zoneOffsetMs('America/New_York', -1)).toBe(-5 * HOUR);
    expect(zoneOffsetMs('Asia/Kathmandu', Date.parse('2026-06-01T00:00:00.999Z'))).toBe(5.75 * HOUR);
  });

  it('answer each zone and instant rightly, whatever was asked just before (the caches)', () => {
    const winter = Date.parse('2026-01-15T12:00:00Z');
    const summer = Date.parse('2026-07-15T12:00:00Z');
    const asked: [string, number, number][] = [
      ['Europe/Berlin', winter, 1],
      ['Europe/Berlin', winter + 60_000, 1], // the same quarter hour
      ['Europe/Berlin', summer, 2],
      ['Europe/Berlin', winter, 1], // a quarter seen before, not the last one
      ['America/New_York', summer, -4],
      ['Europe/Berlin', summer + 1, 2],
      ['America/New_York', winter, -5],
    ];
    for (const [tz, ms, hours] of asked) expect(zoneOffsetMs(tz, ms), `${tz} ${ms}`).toBe(hours * HOUR);
  });

  it('knows an IANA zone from a made-up one', () => {
    expect(isValidTimeZone('America/Santiago')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
