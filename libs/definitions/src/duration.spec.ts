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

  it('takes spaces around the text and between the amount and its unit', () => {
    expect(parseDuration(' 48h ')).toBe(172_800_000);
    expect(parseDuration('\t30 min\n')).toBe(1_800_000);
    expect(parseDuration('2 d')).toBe(172_800_000);
  });

  it('rounds to the millisecond', () => {
    expect(parseDuration('0.0015s')).toBe(2);
  });

  it('rejects what is not a duration', () => {
    for (const text of ['', '48', '48 ', 'h', ' h', '2w', '-1h', '1h30m', '1.h', '.5h', '2 hours', 'soon'])
      expect(parseDuration(text)).toBeUndefined();
  });
});
