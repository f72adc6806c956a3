import { describe, expect, it } from 'vitest';
import type { ParkedValue, ValueRef } from '#libs/indicators';
import { ParkedValues, type StoredValue } from './parked-values';

const ref = (value: string, org = 'O1'): ValueRef => ({ org, indicator: 'reopen', side: 'den', value });
const parkedOf = (value: string, tallies: string[], expiresMs = 1000, org = 'O1'): ParkedValue => ({
  ref: ref(value, org),
  tallies,
  expiresMs,
});
const MONTH = 'org|O1|month|0';
const QUARTER = 'org|O1|quarter|0';

// a store as parked_values holds it; counts the lookups it answers
function storeOf(rows: StoredValue[]) {
  const asked: string[] = [];
  const find = (refs: ValueRef[]) => {
    asked.push(...refs.map((r) => r.value));
    return Promise.resolve(rows.filter((row) => refs.some((r) => r.value === row.ref.value)));
  };
  return { find, asked };
}

describe('parked values', () => {
  it('a value parked at a checkpoint is written once and is a member of its tallies until then', () => {
    const p = new ParkedValues();
    p.add([parkedOf('k1', [MONTH])]);
    expect(p.isMember(ref('k1'), MONTH)).toBe(true);
    expect(p.isMember(ref('k1'), QUARTER)).toBe(false);
    const write = p.take({});
    expect(write.park.map((x) => x.ref.value)).toEqual(['k1']);
    p.confirm(write.generation);
    expect(p.take({}).park).toEqual([]);
    // committed and not at hand: the store answers for it, when an event names it
    expect(p.isMember(ref('k1'), MONTH)).toBe(false);
    expect(p.size).toBe(0);
  });

  it('looks up only values not at hand, and answers with the tallies the store and the pending rows hold', async () => {
    const p = new ParkedValues();
    const store = storeOf([{ ref: ref('stored'), tallies: [MONTH] }]);
    p.add([parkedOf('stored', [QUARTER])]);
    await p.lookUp([ref('stored'), ref('new'), ref('stored')], store.find);
    expect(store.asked).toEqual(['stored', 'new']);
    expect(p.isMember(ref('stored'), MONTH)).toBe(true);
    expect(p.isMember(ref('stored'), QUARTER)).toBe(true);
    expect(p.isMember(ref('new'), MONTH)).toBe(false);
    // at hand, a value is not asked again; let go, it is
    await p.lookUp([ref('stored')], store.find);
    expect(store.asked).toHaveLength(2);
    p.keepOnly([ref('new')]);
    await p.lookUp([ref('stored'), ref('new')], store.find);
    expect(store.asked).toEqual(['stored', 'new', 'stored']);
  });

  it('a write that commits while the store answers adds its tallies to the answer', async () => {
    const p = new ParkedValues();
    p.add([parkedOf('k', [MONTH])]);
    const write = p.take({});
    // the store read before the write committed
    const looking = p.lookUp([ref('k')], () => {
      p.confirm(write.generation);
      return Promise.resolve([]);
    });
    await looking;
    expect(p.isMember(ref('k'), MONTH)).toBe(true);
  });

  it('a value parked again while its write is under way is written again with every tally', () => {
    const p = new ParkedValues();
    p.add([parkedOf('k', [MONTH], 1000)]);
    const first = p.take({});
    p.add([parkedOf('k', [QUARTER], 5000)]);
    p.confirm(first.generation);
    expect(p.isMember(ref('k'), MONTH)).toBe(true);
    const second = p.take({});
    expect(second.park).toEqual([parkedOf('k', [MONTH, QUARTER], 5000)]);
  });

  it('a lookup that failed leaves nothing at hand: the values are asked again', async () => {
    const p = new ParkedValues();
    await expect(p.lookUp([ref('k')], () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(p.size).toBe(0);
    const store = storeOf([{ ref: ref('k'), tallies: [MONTH] }]);
    await p.lookUp([ref('k')], store.find);
    expect(p.isMember(ref('k'), MONTH)).toBe(true);
  });

  it('a write that failed is taken again by the next; values whose tallies closed on their org clock are not', () => {
    const p = new ParkedValues();
    p.add([parkedOf('early', [MONTH], 100), parkedOf('late', [MONTH], 5000), parkedOf('other', [MONTH], 100, 'O2')]);
    p.take({}); // never confirmed
    const again = p.take({ O1: 100 });
    expect(again.park.map((x) => x.ref.value)).toEqual(['late', 'other']);
    expect(again.clocks).toEqual([{ org: 'O1', clockMs: 100 }]);
  });
});
