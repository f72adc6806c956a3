import { describe, expect, it } from 'vitest';
import { OverdueLedger } from './overdue-ledger';
import { RollingColumns } from './rolling-columns';
import { RollingDistinct } from './rolling-distinct';

describe('a rolling distinct count reports exactly when it changes', () => {
  it('a new value changes it; the same value again, in its bucket or a later one, does not', () => {
    const ring = new RollingDistinct(5);
    expect(ring.add(10, 10, 'a')).toBe(true);
    expect(ring.add(10, 10, 'a')).toBe(false);
    expect(ring.add(9, 10, 'a')).toBe(false); // an older sighting of a value already counted later
    expect(ring.add(11, 11, 'a')).toBe(false); // moves the value to a later bucket, still one
    expect(ring.add(11, 11, 'b')).toBe(true);
    expect(ring.current).toBe(2);
    expect(ring.add(7, 11, 'c')).toBe(true); // within the window (buckets 7…11)
    expect(ring.add(6, 11, 'd')).toBe(false); // bucket 6 has left it
    expect(ring.current).toBe(3);
  });

  it('values that leave as the clock moves are the clock’s change, not the event’s', () => {
    const ring = new RollingDistinct(5);
    ring.add(10, 10, 'a');
    ring.add(12, 12, 'b');
    expect(ring.add(15, 15, 'b')).toBe(false); // 'a' (bucket 10) left as the clock moved to 15
    expect(ring.current).toBe(1);
    // read or not in between, the answer is the same: the window moves to the clock first
    const read = new RollingDistinct(5);
    read.add(10, 10, 'a');
    read.add(12, 12, 'b');
    expect(read.total(15)).toBe(1);
    expect(read.add(13, 15, 'b')).toBe(false);
  });

  it('an event placed after the clock (a date field) moves the window itself', () => {
    const ring = new RollingDistinct(5);
    ring.add(10, 10, 'a');
    ring.add(12, 12, 'b');
    expect(ring.add(15, 12, 'b')).toBe(true); // 'a' left because this event moved the window to 15
    expect(ring.current).toBe(1);
    expect(ring.add(16, 12, 'b')).toBe(false); // nothing left: 'b' is still one value
  });

  it('a value whose sighting left the window counts again when seen again', () => {
    const ring = new RollingDistinct(3);
    ring.add(1, 1, 'a');
    expect(ring.total(4)).toBe(0);
    expect(ring.add(4, 4, 'a')).toBe(true);
    expect(ring.total(4)).toBe(1);
    // purged after a full window, then seen again: counted once
    expect(ring.total(20)).toBe(0);
    expect(ring.add(20, 20, 'a')).toBe(true);
    expect(ring.add(21, 21, 'a')).toBe(false);
    expect(ring.total(23)).toBe(1);
    expect(ring.total(24)).toBe(0);
  });

  it('a clock set back drops the values seen after it and those the window had let go', () => {
    const ring = new RollingDistinct(4);
    ring.add(10, 10, 'a');
    ring.add(12, 12, 'b');
    ring.add(14, 14, 'c');
    ring.clip(12);
    expect(ring.current).toBe(1); // 'a' had left the window at 14; 'c' lies after 12
    expect(ring.add(13, 13, 'c')).toBe(true);
    expect(ring.total(13)).toBe(2);
    ring.clip(20); // not back: nothing changes
    expect(ring.total(13)).toBe(2);
  });

  it('an empty window snapshots with no head and restores empty', () => {
    const copy = RollingDistinct.restore(4, new RollingDistinct(4).snapshot());
    expect(copy.snapshot()).toEqual({ head: null, last: [] });
    expect(copy.add(3, 3, 'a')).toBe(true);
  });
});

describe('rolling sums of fractional amounts', () => {
  it('an emptied window is exactly 0, not the residue of 0.1 + 0.2 + 0.3 taken away again', () => {
    const columns = new RollingColumns(10);
    columns.ensure(0);
    columns.add(0, 5, 0);
    columns.add(0, 6, 0); // the ring re-adds itself on its first move, then once a turn (next: bucket 16)
    columns.add(0, 7, 0.1);
    columns.add(0, 8, 0.2);
    columns.add(0, 9, 0.3);
    expect(columns.total(0, 16)).toBeCloseTo(0.6, 12);
    expect(columns.total(0, 18)).toBeCloseTo(0.3, 12);
    expect(columns.total(0, 19)).toBe(0); // less than a turn since: only the near-zero guard re-adds
  });

  it('a large sum leaving keeps the small one exact enough', () => {
    const columns = new RollingColumns(10);
    columns.ensure(0);
    columns.add(0, 1, 1e9);
    columns.add(0, 2, 0.3);
    expect(columns.total(0, 11)).toBeCloseTo(0.3, 9);
    expect(columns.total(0, 12)).toBe(0);
  });

  it('a clock set back drops the buckets after it; a clock ahead of the head changes nothing', () => {
    const columns = new RollingColumns(4);
    columns.ensure(1);
    columns.add(1, 10, 1.5);
    columns.add(1, 12, 2.25);
    columns.clip(1, 11);
    expect(columns.current(1)).toBe(1.5);
    expect(columns.add(1, 11, 1)).toBe(true);
    expect(columns.total(1, 13)).toBe(2.5);
    expect(columns.total(1, 14)).toBe(1); // bucket 10 left
    columns.clip(1, 30);
    expect(columns.current(1)).toBe(1);
  });

  it('a row restored, re-added or clipped next to its neighbours leaves theirs alone', () => {
    const columns = new RollingColumns(4);
    columns.ensure(2);
    for (const slot of [0, 1, 2]) columns.add(slot, 10, slot + 1);
    columns.restore(1, { head: 12, ring: [0.5, 0, 0, 0.25] });
    columns.add(1, 13, 1); // a move past the head re-adds the row on its first move
    columns.clip(1, 12);
    expect([columns.total(0, 10), columns.total(1, 12), columns.total(2, 10)]).toEqual([1, 0.75, 3]);
    expect(columns.snapshot(0)).toEqual({ head: 10, ring: [0, 0, 1, 0] });
    expect(columns.snapshot(2)).toEqual({ head: 10, ring: [0, 0, 3, 0] });
    columns.restore(0, { head: null, ring: [0, 0, 0, 0] });
    expect(columns.add(0, -50, 1)).toBe(true); // no head yet: any bucket starts the window
  });

  it('many rows grow the columns without mixing them', () => {
    const columns = new RollingColumns(3);
    for (let slot = 0; slot < 200; slot += 7) {
      columns.ensure(slot);
      columns.add(slot, 5, slot);
    }
    for (let slot = 0; slot < 200; slot += 7) expect(columns.total(slot, 6)).toBe(slot);
    expect(columns.snapshot(199)).toEqual({ head: null, ring: [0, 0, 0] });
  });
});

describe('the overdue ledger reports exactly when the overdue balance changes', () => {
  it('moving the cutoff over a day with a balance changes it; over empty days or backwards, not', () => {
    const ledger = new OverdueLedger();
    ledger.apply(100, 50, 1);
    ledger.apply(103, 20, 1);
    expect(ledger.moveCutoff(99)).toBe(false); // first cutoff: nothing before it
    expect(ledger.moveCutoff(100)).toBe(false); // day 100 is not before 100
    expect(ledger.moveCutoff(101)).toBe(true);
    expect(ledger.overdueBalance).toBe(50);
    expect(ledger.moveCutoff(103)).toBe(false);
    expect(ledger.moveCutoff(101)).toBe(false); // never backwards
    expect(ledger.moveCutoff(104)).toBe(true);
    expect([ledger.overdueBalance, ledger.openBalance]).toEqual([70, 70]);
  });

  it('stepping day by day and jumping far give the same overdue balance', () => {
    const days: [number, number][] = [
      [10, 1.5],
      [12, 2.25],
      [40, 4],
    ];
    const stepped = new OverdueLedger();
    const jumped = new OverdueLedger();
    for (const [day, amount] of days) {
      stepped.apply(day, amount, 1);
      jumped.apply(day, amount, 1);
    }
    stepped.moveCutoff(9);
    jumped.moveCutoff(9);
    for (let c = 10; c <= 13; c++) stepped.moveCutoff(c); // one day at a time (≤ the number of days)
    expect(jumped.moveCutoff(13)).toBe(true); // 4 days at once: more than the 3 open days, recounted
    expect(stepped.overdueBalance).toBe(3.75);
    expect(jumped.overdueBalance).toBe(3.75);
  });

  it('a far cutoff recounts the days strictly before it', () => {
    const ledger = new OverdueLedger();
    ledger.apply(10, 1, 1);
    ledger.apply(20, 2, 1);
    ledger.moveCutoff(0);
    expect(ledger.moveCutoff(20)).toBe(true); // 20 days at once, more than the 2 open days
    expect(ledger.overdueBalance).toBe(1); // day 20 is not before 20
  });

  it('an amount on an already overdue day is overdue at once; a settled day leaves the ledger', () => {
    const ledger = new OverdueLedger();
    ledger.moveCutoff(50);
    ledger.apply(49, 0.1, 1);
    ledger.apply(49, 0.2, 1);
    ledger.apply(50, 5, 1);
    expect(ledger.overdueBalance).toBeCloseTo(0.3, 12);
    ledger.apply(49, -0.1, -1);
    ledger.apply(49, -0.2, -1); // both paid: the day leaves, and overdue is 0, not the sums' residue
    expect(ledger.snapshot().days).toEqual([[50, 5, 1]]);
    expect(ledger.overdueBalance).toBe(0);
    ledger.apply(50, -5, -1);
    expect([ledger.openBalance, ledger.openInvoices]).toEqual([0, 0]);
  });

  it('a reset cutoff counts the overdue days afresh; a snapshot restores cutoff and days', () => {
    const ledger = new OverdueLedger();
    ledger.apply(5, 10, 1);
    ledger.apply(8, 1, 1);
    ledger.moveCutoff(9);
    ledger.resetCutoff();
    expect(ledger.overdueBalance).toBe(0);
    expect(ledger.moveCutoff(6)).toBe(true);
    expect(ledger.overdueBalance).toBe(10);
    const copy = OverdueLedger.restore(
      JSON.parse(JSON.stringify(ledger.snapshot())) as ReturnType<OverdueLedger['snapshot']>,
    )!;
    expect([copy.openBalance, copy.overdueBalance]).toEqual([11, 10]);
    expect(copy.snapshot()).toEqual({
      basis: 'invoice',
      cutoff: 6,
      days: [
        [5, 10, 1],
        [8, 1, 1],
      ],
    });
    expect(OverdueLedger.restore({ cutoff: null, days: [] })?.snapshot().cutoff).toBeNull();
    // a checkpoint from before the counts: the caller rebuilds the ledger from its invoices
    expect(OverdueLedger.restore({ basis: 'invoice', cutoff: 6, days: [[5, 10]] })).toBeUndefined();
  });
});
