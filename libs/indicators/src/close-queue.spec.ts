import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CloseQueue } from './close-queue';

describe('the close queue', () => {
  it('closes a period when the clock reaches its deadline exactly, not a millisecond before', () => {
    const q = new CloseQueue<string>();
    q.push(1000, 'day');
    expect(q.popDue(999)).toEqual([]);
    expect(q.size).toBe(1);
    expect(q.popDue(1000)).toEqual(['day']);
    expect(q.size).toBe(0);
    expect(q.popDue(5000)).toEqual([]);
  });

  it('pops in deadline order whatever the push order, leaving the later ones queued', () => {
    const q = new CloseQueue<number>();
    for (const d of [50, 10, 40, 20, 30, 60, 5]) q.push(d, d);
    expect(q.popDue(30)).toEqual([5, 10, 20, 30]);
    expect(q.size).toBe(3);
    q.push(35, 35);
    expect(q.popDue(100)).toEqual([35, 40, 50, 60]);
  });

  it('is a priority queue: any pushes and pops give each due item once, by deadline (property)', () => {
    const opsArb = fc.array(
      fc.oneof(
        fc.record({ push: fc.integer({ min: 0, max: 50 }) }),
        fc.record({ pop: fc.integer({ min: 0, max: 50 }) }),
      ),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(opsArb, (ops) => {
        const q = new CloseQueue<number>();
        const model: number[] = [];
        for (const op of ops) {
          if ('push' in op) {
            q.push(op.push, op.push);
            model.push(op.push);
          } else {
            const due = model.filter((d) => d <= op.pop).sort((a, b) => a - b);
            model.splice(0, model.length, ...model.filter((d) => d > op.pop));
            expect(q.popDue(op.pop)).toEqual(due);
          }
          expect(q.size).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
