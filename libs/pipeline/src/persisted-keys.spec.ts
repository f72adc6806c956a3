import { describe, expect, it } from 'vitest';
import { PersistedKeys } from './persisted-keys';

const DAY = 86_400_000;

// a store of keys as processed_keys holds them; counts the keys it was asked for
function storeOf(entries: Record<string, number>) {
  const asked: string[][] = [];
  const find = (keys: string[]) => {
    asked.push(keys);
    return Promise.resolve(new Map(keys.flatMap((k) => (k in entries ? [[k, entries[k] as number] as const] : []))));
  };
  return { find, asked };
}

describe('PersistedKeys', () => {
  it('tells a stored key apart by its fingerprint: same content a duplicate, other content a conflict', async () => {
    const keys = new PersistedKeys();
    const store = storeOf({ a: 7, b: 9 });
    await keys.lookUp(['a', 'b', 'c'], store.find);
    expect(keys.remember('O1', 'a', 7, 0)).toBe('duplicate');
    expect(keys.remember('O1', 'b', 8, 0)).toBe('conflict');
    expect(keys.remember('O1', 'c', 1, 0)).toBe('new');
    expect(keys.remember('O1', 'c', 1, 0)).toBe('duplicate'); // pending now
  });

  it('asks the store only for keys memory does not hold', async () => {
    const keys = new PersistedKeys();
    keys.remember('O1', 'p', 1, 0);
    const store = storeOf({});
    await keys.lookUp(['p', 'q'], storeOf({ q: 3 }).find);
    await keys.lookUp(['p', 'q', 'r'], store.find);
    expect(store.asked).toEqual([['r']]);
  });

  it('a pending key looked up before its checkpoint commits is still known when its record is folded after', async () => {
    const keys = new PersistedKeys();
    keys.remember('O1', 'k', 5, 0);
    const write = keys.take();
    await keys.lookUp(['k'], storeOf({}).find); // a redelivered copy, received while the write is under way
    keys.confirm(write.generation); // committed: k is the store's, gone from pending
    expect(keys.remember('O1', 'k', 5, 0)).toBe('duplicate');
  });

  it('writes every pending key until a write that held it commits; keys remembered after stay pending', () => {
    const keys = new PersistedKeys();
    keys.remember('O1', 'a', 1, 2 * DAY);
    const failed = keys.take();
    keys.remember('O1', 'b', 2, 2 * DAY + 1);
    const next = keys.take(); // the failed write's keys again, and b
    expect(failed.keys.map((k) => k.key)).toEqual(['a']);
    expect(next.keys).toEqual([
      { org: 'O1', key: 'a', day: 2, fingerprint: 1 },
      { org: 'O1', key: 'b', day: 2, fingerprint: 2 },
    ]);
    keys.remember('O1', 'c', 3, 3 * DAY);
    keys.confirm(next.generation);
    expect(keys.take().keys.map((k) => k.key)).toEqual(['c']);
  });

  it('forgets by the org clock: keys of days before the cutoff are neither written nor kept, and the store is told', () => {
    const keys = new PersistedKeys();
    keys.remember('O1', 'old', 1, 1 * DAY);
    keys.remember('O1', 'new', 2, 5 * DAY);
    keys.remember('O2', 'other', 3, 1 * DAY);
    keys.forgetBefore('O1', 4 * DAY + 10);
    keys.forgetBefore('O1', 2 * DAY); // a cutoff never moves back
    const write = keys.take();
    expect(write.keys.map((k) => k.key).sort()).toEqual(['new', 'other']);
    expect(write.forget).toEqual([{ org: 'O1', beforeDay: 4 }]);
    expect(keys.size).toBe(2);
  });

  it('lets looked-up keys go but those of records still waiting to be folded', async () => {
    const keys = new PersistedKeys();
    await keys.lookUp(['w', 'x'], storeOf({ w: 1, x: 2 }).find);
    keys.keepOnly(new Set(['w']));
    expect(keys.size).toBe(1);
    expect(keys.remember('O1', 'w', 1, 0)).toBe('duplicate');
    expect(keys.remember('O1', 'x', 2, 0)).toBe('new'); // no longer held: its record was folded
  });

  it('holds no keys in the snapshot; keys of an older snapshot become pending, a repeat of them a duplicate', () => {
    const keys = new PersistedKeys();
    keys.restore('O1', [
      [3, ['r1', 'r2'], [4, 5]],
      [4, ['r3']],
    ]);
    expect(keys.snapshot()).toEqual([]);
    expect(keys.remember('O1', 'r1', 9, 0)).toBe('conflict');
    expect(keys.remember('O1', 'r3', 9, 0)).toBe('duplicate'); // no fingerprint: never a conflict
    expect(keys.take().keys).toContainEqual({ org: 'O1', key: 'r3', day: 4, fingerprint: -1 });
  });
});
