import { describe, expect, it } from 'vitest';
import { OverdueLedger } from './overdue-ledger';
import { RollingColumns } from './rolling-columns';
import { RollingDistinct } from './rolling-distinct';

// The boundaries of the rolling state, each hit exactly. Float sums show whether a row re-added its ring
// (which sums it in ring order) or kept its running sum: 0.3 + 0.2 + 0.1 is 0.6 but 0.1 + 0.2 + 0.3 is not.

// slot 1 of two rows holds 0.3, 0.2 and 0.1 in buckets 6, 5, 4 (ring slots 2, 1, 0), added in that
// order: a running sum of exactly 0.6, never re-added (the first event jumps, which clears instead)
function rowOfTenths(): RollingColumns {
  const columns = new RollingColumns(4);
  columns.ensure(1);
  columns.add(0, 6, 7);
  columns.add(1, 6, 0.3);
  columns.add(1, 5, 0.2);
  columns.add(1, 4, 0.1);
  return columns;
}

describe('rolling columns at their boundaries', () => {
  it('an event or a clock in the head bucket itself moves nothing', () => {
    const columns = rowOfTenths();
    expect(columns.current(1)).toBe(0.6);
    expect(columns.add(1, 6, 0)).toBe(true);
    expect(columns.total(1, 6)).toBe(0.6);
    columns.clip(1, 6); // set back to the head itself: not back at all
    expect(columns.current(1)).toBe(0.6);
    expect(columns.snapshot(1)).toEqual({ head: 6, ring: [0.1, 0.2, 0.3, 0] });
  });

  it('the first move re-adds a row, and writes only that row', () => {
    const columns = rowOfTenths();
    expect(columns.total(1, 7)).toBe(0.1 + 0.2 + 0.3);
    expect(columns.snapshot(0)).toEqual({ head: 6, ring: [0, 0, 7, 0] });
  });

  it('a row re-adds its ring exactly a turn after the last time, and keeps its running sum before', () => {
    const columns = new RollingColumns(4);
    columns.ensure(1);
    columns.add(0, 10, 7);
    columns.add(1, 9, 1e9);
    columns.add(1, 10, 0); // the first move: re-added at 10
    columns.add(1, 11, 3.3);
    expect(columns.total(1, 13)).toBe(1e9 + 3.3 - 1e9); // 1e9 left; not near zero, less than a turn
    expect(columns.total(1, 14)).toBe(3.3); // a turn after 10: re-added
    expect(columns.snapshot(0)).toEqual({ head: 10, ring: [0, 0, 7, 0] });
  });

  it('a running sum that falls exactly to the near-zero bound (1e-9 of a sum below 1) is re-added', () => {
    const columns = new RollingColumns(4);
    columns.ensure(0);
    columns.add(0, 5, 0);
    columns.add(0, 6, 2e-10); // the first move: re-added at 6
    columns.add(0, 7, 3e-10);
    columns.add(0, 7, 7e-10); // running: 1.2e-9; bucket 7 holds 3e-10 + 7e-10, a hair below 1e-9
    expect(columns.total(0, 10)).toBe(3e-10 + 7e-10); // 1.2e-9 − 2e-10 is 1e-9 exactly: re-added
  });

  it('a jump of exactly a turn clears the row without re-adding it, so its next move re-adds', () => {
    const columns = new RollingColumns(4);
    columns.ensure(0);
    columns.add(0, 2, 5);
    expect(columns.total(0, 6)).toBe(0); // bucket 2 left: a jump of 4 buckets clears the ring
    columns.add(0, 6, 0.3);
    columns.add(0, 5, 0.2);
    columns.add(0, 4, 0.1);
    expect(columns.total(0, 7)).toBe(0.1 + 0.2 + 0.3);
  });

  it('a restored row counts its head as its last re-add', () => {
    const columns = new RollingColumns(4);
    columns.ensure(1);
    columns.add(0, 6, 7);
    columns.restore(1, { head: 6, ring: [0.1, 0.2, 0.3, 0] });
    expect(columns.snapshot(0)).toEqual({ head: 6, ring: [0, 0, 7, 0] });
    expect(columns.total(1, 8)).toBe(0.1 + 0.2 + 0.3 - 0.1); // bucket 4 left; running, not re-added
  });

  it('a row far beyond the columns is usable at once, and growing keeps the rows before', () => {
    const far = new RollingColumns(3);
    far.ensure(300);
    expect(far.snapshot(300)).toEqual({ head: null, ring: [0, 0, 0] });
    expect(far.add(300, 5, 2)).toBe(true);
    expect(far.total(300, 5)).toBe(2);

    const columns = new RollingColumns(3);
    columns.ensure(63);
    columns.add(63, 3, 1);
    columns.add(63, 4, 2);
    columns.add(63, 5, 4);
    columns.ensure(64); // doubles to 128 rows
    columns.ensure(127);
    expect(columns.snapshot(63)).toEqual({ head: 5, ring: [1, 2, 4] });
    expect(columns.total(63, 6)).toBe(6);
    expect(columns.snapshot(127)).toEqual({ head: null, ring: [0, 0, 0] });
  });
});

describe('a rolling distinct count at its boundaries', () => {
  it('a value last seen exactly at the oldest bucket has left the window: seen again, it counts anew', () => {
    const ring = new RollingDistinct(4);
    ring.add(10, 10, 'z');
    ring.add(8, 10, 'a'); // within 7…10
    expect(ring.total(12)).toBe(1); // window 9…12: 'a' at 8 has left, 'z' stays
    expect(ring.add(12, 12, 'a')).toBe(true);
    expect(ring.current).toBe(2);
    expect(ring.total(13)).toBe(2);
  });

  it('a clock set back forgets a value exactly at the oldest bucket, so it counts again when seen', () => {
    const ring = new RollingDistinct(4);
    ring.add(10, 10, 'z');
    ring.add(8, 10, 'a');
    ring.add(12, 12, 'b'); // window 9…12: 'a' at 8 has left (not yet purged)
    ring.clip(11); // window 8…11: 'a' would be in it again, but it had left; 'b' lies after 11
    expect(ring.current).toBe(1);
    expect(ring.add(9, 11, 'a')).toBe(true);
    expect(ring.current).toBe(2);
    expect(ring.total(12)).toBe(2); // bucket 8's slot (also 12's, which the clip emptied) leaves: 0 of them
  });

  it('a clock at or ahead of the head clips nothing, and the window still moves on', () => {
    const ring = new RollingDistinct(4);
    ring.add(10, 10, 'a');
    ring.add(12, 12, 'b');
    ring.clip(12);
    ring.clip(20);
    expect(ring.current).toBe(2);
    expect(ring.total(15)).toBe(1); // window 12…15
    expect(ring.total(16)).toBe(0);
  });

  it('a clock behind the head leaves the window where it is', () => {
    const ring = new RollingDistinct(4);
    ring.add(10, 10, 'a');
    expect(ring.total(8)).toBe(1);
    expect(ring.add(6, 10, 'b')).toBe(false); // window 7…10 still
  });

  it('a restored empty window takes any first bucket, bucket 0 too, as its head', () => {
    const ring = RollingDistinct.restore(4, { head: null, last: [] });
    expect(ring.add(0, 0, 'a')).toBe(true);
    expect(ring.snapshot()).toEqual({ head: 0, last: [['a', 0]] });
  });

  it('a snapshot leaves out a value exactly at the oldest bucket', () => {
    const ring = new RollingDistinct(4);
    ring.add(10, 10, 'a');
    ring.add(11, 11, 'b');
    ring.total(14); // window 11…14
    expect(ring.snapshot()).toEqual({ head: 14, last: [['b', 11]] });
    expect(RollingDistinct.restore(4, ring.snapshot()).total(14)).toBe(1);
  });
});

describe('the overdue ledger at its boundaries', () => {
  it('a cutoff moved back is ignored: a later amount before the cutoff is still overdue', () => {
    const ledger = new OverdueLedger();
    ledger.apply(100, 50, 1);
    ledger.moveCutoff(103);
    expect(ledger.moveCutoff(101)).toBe(false);
    ledger.apply(102, 5, 1);
    expect(ledger.overdueBalance).toBe(55);
  });

  it('a day leaves when its last invoice does, however small its balance or the residue of its sums', () => {
    const ledger = new OverdueLedger();
    ledger.apply(7, 1e-9, 1);
    ledger.apply(8, 0.1, 1);
    ledger.apply(8, 0.2, 1);
    ledger.apply(8, -0.3, -1); // its balances' residue stays with the one invoice left
    expect(ledger.snapshot().days).toEqual([
      [7, 1e-9, 1],
      [8, 0.1 + 0.2 - 0.3, 1],
    ]);
    ledger.apply(8, -(0.1 + 0.2 - 0.3), -1);
    expect(ledger.snapshot().days).toEqual([[7, 1e-9, 1]]);
  });

  it('a restored ledger without a cutoff counts nothing overdue, even days before 1970', () => {
    const ledger = OverdueLedger.restore({ basis: 'invoice', cutoff: null, days: [[-5, 10, 2]] })!;
    expect([ledger.openBalance, ledger.overdueBalance]).toEqual([10, 0]);
    ledger.apply(-4, 1, 1);
    expect(ledger.overdueBalance).toBe(0);
    expect(ledger.moveCutoff(-4)).toBe(true);
    expect(ledger.overdueBalance).toBe(10);
  });
});
