import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and days as milliseconds', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('15min')).toBe(900_000);
    expect(parseDuration('48h')).toBe(172_800_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
  });

  it('rejects what is not a duration', () => {
    for (const text of ['', '48', 'h', '2w', '-1h', '1h30m', 'soon']) expect(parseDuration(text)).toBeUndefined();
  });
});
