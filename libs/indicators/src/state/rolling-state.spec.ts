import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingDistinct } from './rolling-distinct';
import { RollingColumns } from './rolling-columns';

// Operations on one rolling window: add to a bucket near the clock, or read at a later clock.
const opsArb = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('add' as const),
      back: fc.integer({ min: -2, max: 8 }),
      key: fc.constantFrom('a', 'b', 'c', 'd'),
      amount: fc.integer({ min: -5, max: 20 }),
    }),
    fc.record({ kind: fc.constant('tick' as const), by: fc.integer({ min: 0, max: 7 }) }),
  ),
  { maxLength: 200, size: 'max' },
);
const N = 5;

describe('rolling windows equal a rescan of the buckets they hold', () => {
  it('sums, each entity in its own row of the columns (property)', () => {
    fc.assert(
      fc.property(opsArb, fc.integer({ min: 0, max: 200 }), (ops, slot) => {
        const columns = new RollingColumns(N);
        columns.ensure(slot);
        columns.ensure(slot + 1);
        columns.add(slot + 1, 100, 1e6); // a neighbour's row never leaks into this one
        const ring = {
          add: (b: number, x: number) => columns.add(slot, b, x),
          total: (b: number) => columns.total(slot, b),
        };
        const added: { bucket: number; amount: number }[] = [];
        let clock = 100;
        let head = -Infinity; // the newest bucket the ring has been moved to
        for (const op of ops) {
          if (op.kind === 'tick') clock += op.by;
          else {
            const bucket = clock - op.back;
            clock = Math.max(clock, bucket);
            head = Math.max(head, bucket);
            const inWindow = bucket > head - N;
            expect(ring.add(bucket, op.amount)).toBe(inWindow);
            if (inWindow) added.push({ bucket, amount: op.amount });
          }
          const want = added.filter((a) => a.bucket > clock - N && a.bucket <= clock).reduce((s, a) => s + a.amount, 0);
          expect(ring.total(clock)).toBe(want);
          head = Math.max(head, clock);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('distinct values (property)', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const ring = new RollingDistinct(N);
        const seen: { bucket: number; key: string }[] = [];
        let clock = 100;
        let head = -Infinity;
        for (const op of ops) {
          if (op.kind === 'tick') clock += op.by;
          else {
            const bucket = clock - op.back;
            clock = Math.max(clock, bucket);
            head = Math.max(head, bucket);
            ring.add(bucket, clock, op.key);
            // what the window can hold: buckets within N of the newest bucket at that moment
            if (bucket > head - N) seen.push({ bucket, key: op.key });
          }
          const live = new Set(seen.filter((s) => s.bucket > clock - N && s.bucket <= clock).map((s) => s.key));
          expect(ring.total(clock)).toBe(live.size);
          head = Math.max(head, clock);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a value seen again in the next bucket stays counted until that bucket leaves', () => {
    const ring = new RollingDistinct(3);
    ring.add(10, 10, 'v');
    ring.add(11, 11, 'v');
    expect(ring.total(12)).toBe(1);
    expect(ring.total(13)).toBe(1); // bucket 10 left; the sighting in 11 still holds
    expect(ring.total(14)).toBe(0);
  });

  it('snapshots round-trip through JSON', () => {
    const sum = new RollingColumns(4);
    sum.ensure(3);
    sum.add(3, 7, 2);
    sum.add(3, 9, 3);
    const copy = new RollingColumns(4);
    copy.restore(0, JSON.parse(JSON.stringify(sum.snapshot(3))) as ReturnType<RollingColumns['snapshot']>);
    expect(copy.total(0, 10)).toBe(sum.total(3, 10));
    expect(copy.total(0, 11)).toBe(3);
    const distinct = new RollingDistinct(4);
    distinct.add(7, 7, 'a');
    distinct.add(9, 9, 'b');
    const copy2 = RollingDistinct.restore(
      4,
      JSON.parse(JSON.stringify(distinct.snapshot())) as ReturnType<RollingDistinct['snapshot']>,
    );
    expect(copy2.total(10)).toBe(2);
    expect(copy2.total(11)).toBe(1);
  });
});
