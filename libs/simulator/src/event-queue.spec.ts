import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue';

describe('EventQueue', () => {
  it('pops in key order, ties in insertion order, like a stable sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (keys) => {
        const queue = new EventQueue<number>();
        keys.forEach((key, index) => queue.push(key, index));
        const popped: number[] = [];
        for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) popped.push(entry.value);
        const expected = keys
          .map((key, index) => ({ key, index }))
          .sort((a, b) => a.key - b.key || a.index - b.index)
          .map((entry) => entry.index);
        expect(popped).toEqual(expected);
        expect(queue.size).toBe(0);
      }),
    );
  });

  it('accepts pushes between pops', () => {
    const queue = new EventQueue<string>();
    queue.push(5, 'e');
    queue.push(1, 'a');
    expect(queue.pop()?.value).toBe('a');
    queue.push(3, 'c');
    expect(queue.peekKey()).toBe(3);
    expect(queue.pop()?.value).toBe('c');
    expect(queue.pop()?.value).toBe('e');
    expect(queue.pop()).toBeUndefined();
  });
});
