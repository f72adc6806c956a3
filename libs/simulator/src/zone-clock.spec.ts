import { describe, expect, it } from 'vitest';
import { createZoneClock, formatLocalDate, HOUR_MS, parseLocalDate, weekdayOf } from './zone-clock';

describe('parseLocalDate', () => {
  it('accepts real dates only', () => {
    const day = parseLocalDate('2026-11-02');
    expect(day).toBeDefined();
    expect(formatLocalDate(day ?? 0)).toBe('2026-11-02');
    expect(weekdayOf(day ?? 0)).toBe(1);
    expect(parseLocalDate('2026-02-30')).toBeUndefined();
    expect(parseLocalDate('2026-2-3')).toBeUndefined();
    expect(parseLocalDate('yesterday')).toBeUndefined();
  });
});

describe('createZoneClock', () => {
  it('formats Shanghai times with +08:00', () => {
    const clock = createZoneClock('Asia/Shanghai');
    expect(clock.formatTime(Date.parse('2026-11-02T01:15:03Z'))).toBe('2026-11-02T09:15:03+08:00');
    expect(clock.localHour(Date.parse('2026-11-02T01:15:03Z'))).toBe(9);
  });

  it('follows New York across both DST changes of 2026', () => {
    const clock = createZoneClock('America/New_York');
    // spring forward: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z)
    expect(clock.formatTime(Date.parse('2026-03-08T06:59:59Z'))).toBe('2026-03-08T01:59:59-05:00');
    expect(clock.formatTime(Date.parse('2026-03-08T07:00:00Z'))).toBe('2026-03-08T03:00:00-04:00');
    // fall back: 2026-11-01 02:00 EDT → 01:00 EST (06:00Z)
    expect(clock.formatTime(Date.parse('2026-11-01T05:59:59Z'))).toBe('2026-11-01T01:59:59-04:00');
    expect(clock.formatTime(Date.parse('2026-11-01T06:00:00Z'))).toBe('2026-11-01T01:00:00-05:00');
  });

  it('gives 23- and 25-hour days at the DST changes', () => {
    const clock = createZoneClock('America/New_York');
    const march8 = parseLocalDate('2026-03-08') ?? 0;
    const november1 = parseLocalDate('2026-11-01') ?? 0;
    expect(clock.startOfDay(march8)).toBe(Date.parse('2026-03-08T05:00:00Z'));
    expect(clock.startOfDay(march8 + 1) - clock.startOfDay(march8)).toBe(23 * HOUR_MS);
    expect(clock.startOfDay(november1)).toBe(Date.parse('2026-11-01T04:00:00Z'));
    expect(clock.startOfDay(november1 + 1) - clock.startOfDay(november1)).toBe(25 * HOUR_MS);
    expect(clock.localDay(clock.startOfDay(november1))).toBe(november1);
    expect(clock.localDay(clock.startOfDay(november1) - 1000)).toBe(november1 - 1);
  });

  it('handles half-hour offsets', () => {
    const clock = createZoneClock('Asia/Kolkata');
    expect(clock.formatTime(Date.parse('2026-01-01T00:00:00Z'))).toBe('2026-01-01T05:30:00+05:30');
  });
});
