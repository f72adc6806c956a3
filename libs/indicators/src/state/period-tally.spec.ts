import { describe, expect, it } from 'vitest';
import { addToTally, newPeriodTally, periodKey, restoreTally, snapshotTally } from './period-tally';

describe('a period tally', () => {
  it('adds amounts to its side, fractional ones exactly as given', () => {
    const t = newPeriodTally(0, 10, false, false);
    expect(addToTally(t, 0, 0.1, '')).toBe(true);
    expect(addToTally(t, 0, 0.2, '')).toBe(true);
    expect(addToTally(t, 1, 2, '')).toBe(true);
    expect([t.num, t.den]).toEqual([0.1 + 0.2, 2]);
  });

  it('counts distinct keys per side, a key again changing nothing', () => {
    const t = newPeriodTally(0, 10, true, true);
    expect(addToTally(t, 0, 1, 'a')).toBe(true);
    expect(addToTally(t, 0, 1, 'a')).toBe(false);
    expect(addToTally(t, 1, 1, 'a')).toBe(true);
    expect(addToTally(t, 1, 1, 'b')).toBe(true);
    expect([t.num, t.den]).toEqual([1, 2]);
  });

  it('counts every distinct key, those parked out of its set too', () => {
    const t = newPeriodTally(0, 10, true, false);
    addToTally(t, 0, 1, 'a');
    t.numKeys?.clear(); // 'a' parked: the caller asks the parking before adding it again
    expect(addToTally(t, 0, 1, 'b')).toBe(true);
    expect(t.num).toBe(2);
    expect(restoreTally(snapshotTally(t), true, false).num).toBe(2);
  });

  it('round-trips a snapshot, keys only for distinct sides', () => {
    const t = newPeriodTally(60_000, 120_000, true, false);
    addToTally(t, 0, 1, 'a');
    addToTally(t, 1, 2.5, '');
    const s = JSON.parse(JSON.stringify(snapshotTally(t))) as ReturnType<typeof snapshotTally>;
    expect(s).toEqual({ start: 60_000, end: 120_000, num: 1, den: 2.5, numKeys: ['a'] });
    const back = restoreTally(s, true, false);
    expect(addToTally(back, 0, 1, 'a')).toBe(false);
    expect([back.num, back.den, back.denKeys]).toEqual([1, 2.5, null]);
    expect(restoreTally({ start: 0, end: 1, num: 0, den: 0 }, false, true).denKeys).toEqual(new Set());
    expect(restoreTally({ start: 0, end: 1, num: 0, den: 0 }, true, false).numKeys).toEqual(new Set());
    expect(periodKey(120_000)).toBe(2);
  });

  it('round-trips the keys of a distinct denominator', () => {
    const t = newPeriodTally(0, 60_000, false, true);
    addToTally(t, 0, 3, '');
    addToTally(t, 1, 1, 'x');
    addToTally(t, 1, 1, 'y');
    const s = JSON.parse(JSON.stringify(snapshotTally(t))) as ReturnType<typeof snapshotTally>;
    expect(s).toEqual({ start: 0, end: 60_000, num: 3, den: 2, denKeys: ['x', 'y'] });
    const back = restoreTally(s, false, true);
    expect(addToTally(back, 1, 1, 'y')).toBe(false);
    expect(addToTally(back, 1, 1, 'z')).toBe(true);
    expect(back.den).toBe(3);
  });
});
