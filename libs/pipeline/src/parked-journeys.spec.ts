import { describe, expect, it } from 'vitest';
import type { JourneyRef, ParkedJourney } from '#libs/indicators';
import { ParkedJourneys } from './parked-journeys';

const ref = (key: string): JourneyRef => ({ org: 'O1', indicator: 'frt', key });
const parkedOf = (key: string, deadlineMs = 1000): ParkedJourney => ({
  ref: ref(key),
  deadlineMs,
  journey: { from: { t: 1, key: `c-${key}`, team: 'T1', agent: undefined }, tos: [], landed: null },
});

// a store as parked_journeys holds it; counts the lookups it answers
function storeOf(rows: ParkedJourney[]) {
  const asked: string[] = [];
  const find = (refs: JourneyRef[]) => {
    asked.push(...refs.map((r) => r.key));
    return Promise.resolve(
      rows
        .filter((row) => refs.some((r) => r.key === row.ref.key))
        .map((row) => ({ ref: row.ref, journey: row.journey })),
    );
  };
  return { find, asked };
}

describe('parked journeys', () => {
  it('a key parked at a checkpoint is written once, then held as looked up until the next keepOnly', () => {
    const p = new ParkedJourneys();
    p.add([parkedOf('k1')]);
    const write = p.take([]);
    expect(write.park.map((x) => x.ref.key)).toEqual(['k1']);
    p.confirm(write.generation);
    expect(p.take([]).park).toEqual([]);
    // an event received before k1 was parked was looked up without it: it is still at hand
    expect(p.recall(ref('k1'))?.from?.key).toBe('c-k1');
    p.add([parkedOf('k2')]);
    p.confirm(p.take([]).generation);
    p.keepOnly([]);
    expect(p.recall(ref('k2'))).toBeUndefined();
    expect(p.size).toBe(0);
  });

  it('looks up only keys it does not hold, and calls back what the store holds', async () => {
    const p = new ParkedJourneys();
    const store = storeOf([parkedOf('stored')]);
    p.add([parkedOf('pending')]);
    await p.lookUp([ref('pending'), ref('stored'), ref('new')], store.find);
    expect(store.asked).toEqual(['stored', 'new']);
    expect(p.recall(ref('stored'))?.from?.key).toBe('c-stored');
    expect(p.recall(ref('stored'))).toBeUndefined(); // back in memory: asked once
    expect(p.recall(ref('new'))).toBeUndefined();
    // a pending key called back before any write took it is not written at all
    expect(p.recall(ref('pending'))?.from?.key).toBe('c-pending');
    expect(p.take([]).park).toEqual([]);
  });

  it('a key called back while its write is under way is still written; memory wins until it is dropped', () => {
    const p = new ParkedJourneys();
    p.add([parkedOf('k')]);
    const write = p.take([]);
    expect(p.recall(ref('k'))).toBeDefined();
    expect(write.park).toHaveLength(1);
    // dropped by the engine: the copy the store got is deleted by the next write, never looked up again
    p.forget(ref('k'));
    p.confirm(write.generation);
    expect(p.recall(ref('k'))).toBeUndefined();
    const next = p.take([]);
    expect(next.forget).toEqual([ref('k')]);
    p.confirm(next.generation);
    expect(p.take([]).forget).toEqual([]);
  });

  it('a forgotten key is not looked up until it is parked again', async () => {
    const p = new ParkedJourneys();
    const store = storeOf([parkedOf('k')]);
    p.forget(ref('k'));
    await p.lookUp([ref('k')], store.find);
    expect(store.asked).toEqual([]);
    p.add([parkedOf('k')]);
    const write = p.take([]);
    expect(write.park).toHaveLength(1);
    expect(write.forget).toEqual([]);
  });

  it('a write that failed is taken again by the next; keys past their deadline are not written', () => {
    const p = new ParkedJourneys();
    p.add([parkedOf('early', 100), parkedOf('late', 5000)]);
    p.take([]); // never confirmed
    const clocks = [{ org: 'O1', indicator: 'frt', clockMs: 100 }];
    const again = p.take(clocks);
    expect(again.park.map((x) => x.ref.key)).toEqual(['late']);
    expect(again.clocks).toEqual(clocks);
    // another indicator's clock moves none of them
    p.add([parkedOf('early', 100)]);
    expect(p.take([{ org: 'O1', indicator: 'aht', clockMs: 10_000 }]).park.map((x) => x.ref.key)).toEqual([
      'late',
      'early',
    ]);
  });
});
