import { describe, expect, it } from 'vitest';
import { JoinBudget } from './join-budget';

describe('what one socket may join', () => {
  it('joins its whole room bound at once, then at the sustained rate', () => {
    const budget = new JoinBudget(0, { maxRooms: 4, perTenSeconds: 2 });
    expect([0, 1, 2, 3].map(() => budget.take(0))).toEqual([undefined, undefined, undefined, undefined]);
    expect(budget.take(0)).toBe('rate-limited: at most 2 joins per 10 s (4 at once)');
    expect(budget.take(4_999)).toBe('rate-limited: at most 2 joins per 10 s (4 at once)');
    expect(budget.take(5_000)).toBeUndefined(); // one join back every 5 s
    expect(budget.take(5_000)).toBe('rate-limited: at most 2 joins per 10 s (4 at once)');
    // a long pause refills up to the bound, no further
    expect([1, 2, 3, 4, 5].map(() => budget.take(3_600_000))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      'rate-limited: at most 2 joins per 10 s (4 at once)',
    ]);
  });

  it('holds at most maxRooms rooms; joining a held room again is free, a released one frees its place', () => {
    const budget = new JoinBudget(0, { maxRooms: 2, perTenSeconds: 20 });
    expect(budget.hold('org:O1')).toBeUndefined();
    expect(budget.hold('team:O1:T1')).toBeUndefined();
    expect(budget.hold('org:O1')).toBeUndefined();
    expect(budget.hold('team:O1:T2')).toBe('too-many-rooms: a socket joins at most 2 rooms');
    budget.release('team:O1:T1');
    expect(budget.hold('team:O1:T2')).toBeUndefined();
  });
});
