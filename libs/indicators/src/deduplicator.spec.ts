import { describe, expect, it } from 'vitest';
import { Deduplicator } from './deduplicator';

const DAY = 86_400_000;

describe('the deduplicator', () => {
  it('remembers a key once, whatever the org, and forgets it by its own org clock only', () => {
    const d = new Deduplicator();
    expect(d.remember('O1', 'k1', 10 * DAY + 5)).toBe(true);
    expect(d.remember('O2', 'k1', 10 * DAY)).toBe(false);
    expect(d.remember('O2', 'k2', 10 * DAY)).toBe(true);
    d.forgetBefore('O2', 20 * DAY); // O2's clock never forgets O1's key
    expect([d.size, d.remember('O1', 'k1', 0)]).toEqual([1, false]);
    d.forgetBefore('O1', 10 * DAY + DAY - 1); // still day 10: kept
    expect(d.remember('O1', 'k1', 0)).toBe(false);
    d.forgetBefore('O1', 11 * DAY); // the day before the cutoff day: forgotten
    expect(d.size).toBe(0);
    expect(d.remember('O1', 'k1', 11 * DAY)).toBe(true);
    d.forgetBefore('O3', 99 * DAY); // an org never seen: nothing to do
    expect(d.size).toBe(1);
  });

  it('snapshots per org by day, and restores without doubling keys already held', () => {
    const d = new Deduplicator();
    d.remember('O1', 'a', 3 * DAY);
    d.remember('O1', 'b', 3 * DAY + 1);
    d.remember('O1', 'c', 5 * DAY);
    expect(d.snapshot('O1')).toEqual([
      [3, ['a', 'b']],
      [5, ['c']],
    ]);
    expect(d.snapshot('O9')).toEqual([]);
    const copy = new Deduplicator();
    copy.remember('O2', 'a', 0);
    copy.restore('O1', d.snapshot('O1'));
    copy.restore('O1', [[7, ['a']]]); // held already: not filed again
    expect(copy.size).toBe(3);
    expect(copy.snapshot('O1')).toEqual([
      [3, ['b']],
      [5, ['c']],
    ]);
    copy.forgetBefore('O1', 6 * DAY);
    expect([copy.size, copy.remember('O1', 'a', 0)]).toEqual([1, false]);
  });
});
