import { describe, expect, it } from 'vitest';
import type { IndicatorDef, Measure, OrgSettings } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorEngine } from '../indicator-engine';
import type { EntityRef } from '../indicator-value';
import type { JourneyParking, JourneyRef, ParkedJourney } from '../state/journey-book';
import type { ParkedValue, ValueParking } from '../state/period-tally';

// What the live pipeline parks out of memory (libs/pipeline stores it in Postgres): the keys of lifecycle
// and conversion indicators that landed and went quiet, and the values of distinct sets of long
// periods. Here the parking is a map: what matters is what the engine parks, recalls and forgets.
const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'UTC', currency: 'CNY', exchangeRates: {} }];
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;
const T0 = Date.parse('2026-03-10T10:00:00Z');
const MARCH = Date.parse('2026-03-01T00:00:00Z');

const term = (type: string) =>
  ({ types: [type], where: [], timeField: 'time', aggregation: { kind: 'count' } }) as const;
const indicator = (id: string, measure: Measure, windows: IndicatorDef['windows'] = ['month']): IndicatorDef => ({
  id,
  version: 1,
  name: { en: id, zh: id },
  description: id,
  unit: 'number',
  levels: ['agent', 'team', 'org'],
  windows,
  allowedLatenessMs: H,
  measure,
});
const FRT = indicator('frt', {
  kind: 'lifecycle',
  key: 'data.ticketId',
  from: term('ticket.created'),
  to: term('ticket.replied'),
  pick: 'first',
  result: { kind: 'average', unit: 's' },
  horizonMs: D,
});
const VISITORS = indicator(
  'visitors',
  {
    kind: 'terms',
    numerator: { ...term('crm.inquiry.received'), aggregation: { kind: 'distinct', fields: ['data.visitorId'] } },
    scale: 1,
  },
  ['day', 'month', 'rolling:24h'],
);

let n = 0;
const event = (type: string, at: number, data: Record<string, unknown>): CanonicalEvent => ({
  specversion: '1.0',
  id: `e${++n}`,
  source: 'test',
  type,
  time: new Date(at).toISOString(),
  data: { orgId: 'O1', teamId: 'T1', agentId: 'A1', ...data },
});
const created = (ticketId: unknown, at: number) => event('ticket.created', at, { ticketId });
const replied = (ticketId: unknown, at: number, agentId = 'A1') => event('ticket.replied', at, { ticketId, agentId });
const inquiry = (visitorId: string, at = T0) => event('crm.inquiry.received', at, { visitorId });

const ORG: EntityRef = { level: 'org', id: 'O1', orgId: 'O1' };
const read = (engine: IndicatorEngine, id: string, window: 'month' | 'day' | 'rolling:24h' = 'month') => {
  const v = engine.value(id, ORG, window);
  return [v?.value, v?.numerator, v?.denominator];
};
const keysHeld = (engine: IndicatorEngine) => engine.snapshot().orgs[0]?.journeys?.[0]?.keys.map((k) => k.key);

// a store of parked keys, and what the engine asked of it
class Store implements JourneyParking {
  readonly rows = new Map<string, ParkedJourney>();
  readonly asked: string[] = [];
  put(parked: readonly ParkedJourney[]): void {
    for (const p of parked) this.rows.set(p.ref.key, p);
  }
  recall(ref: JourneyRef) {
    this.asked.push(`recall ${ref.org} ${ref.indicator} ${ref.key}`);
    return this.rows.get(ref.key)?.journey;
  }
  forget(ref: JourneyRef): void {
    this.asked.push(`forget ${ref.org} ${ref.indicator} ${ref.key}`);
    this.rows.delete(ref.key);
  }
}

describe('parked keys of lifecycle indicators', () => {
  it('parks the keys that were quiet for quietMs of their clock, exactly, with their deadline', () => {
    const store = new Store();
    const engine = new IndicatorEngine([FRT], ORGS, { parking: store });
    for (const e of [created('t1', T0), replied('t1', T0 + 20 * S), created('t2', T0), created('t3', T0 + MIN)])
      engine.fold(e);
    engine.fold(replied('t3', T0 + 5 * MIN));
    // t2 last heard at T0 (no reply: it counts for nothing, and its deadline would change nothing),
    // t1 at T0 + 20 s, t3 at T0 + 5 min
    expect(engine.park(5 * MIN - 20 * S + S).map((p) => [p.ref.key, p.deadlineMs, p.journey.landed])).toEqual([
      ['t2', T0 + D + H, null],
    ]);
    const parked = engine.park(5 * MIN - 20 * S);
    expect(parked).toEqual([
      {
        ref: { org: 'O1', indicator: 'frt', key: 't1' },
        deadlineMs: T0 + D + H,
        journey: {
          from: { t: T0, key: expect.any(String) as string, team: 'T1', agent: 'A1' },
          tos: [{ t: T0 + 20 * S, key: expect.any(String) as string, team: 'T1', agent: 'A1' }],
          landed: { t: T0 + 20 * S, value: 20, count: 1, team: 'T1', agent: 'A1' },
        },
      },
    ]);
    expect(keysHeld(engine)).toEqual(['t3']);
    expect(engine.park(0).map((p) => p.ref.key)).toEqual(['t3']);
    expect(keysHeld(engine)).toEqual([]);
    // the value stays: parking moves keys, not what they count for
    expect(read(engine, 'frt')).toEqual([(20 + 240) / 2, 260, 2]);
    // the parked t2 still expires, uncounted, at its horizon and lateness
    engine.advanceTo(T0 + D + H - 1);
    expect(engine.stats.expiredKeys).toBe(0);
    engine.advanceTo(T0 + D + H);
    expect([engine.stats.expiredKeys, keysHeld(engine)]).toEqual([1, []]);
    // each key was asked for once, when it was new to memory
    expect(store.asked).toEqual(['recall O1 frt t1', 'recall O1 frt t2', 'recall O1 frt t3']);
  });

  it('names the parked keys a batch needs, recalls one when an event names it, and forgets it once dropped', () => {
    const store = new Store();
    const engine = new IndicatorEngine([FRT], ORGS, { parking: store });
    engine.fold(created('t1', T0));
    engine.fold(replied('t1', T0 + 40 * S, 'A2'));
    store.put(engine.park(0));
    expect(engine.journeyRefs([replied('t1', T0), replied('t2', T0), event('ticket.solved', T0, {})])).toEqual([
      { org: 'O1', indicator: 'frt', key: 't1' },
      { org: 'O1', indicator: 'frt', key: 't2' },
    ]);
    // an earlier reply: the recalled key moves its pair to it
    engine.fold(replied('t1', T0 + 10 * S, 'A1'));
    expect(store.asked).toEqual(['recall O1 frt t1', 'recall O1 frt t1']);
    expect(read(engine, 'frt')).toEqual([10, 10, 1]);
    expect(engine.value('frt', { level: 'agent', id: 'A2', orgId: 'O1' }, 'month')?.numerator).toBe(0);
    expect(engine.snapshot().orgs[0]?.journeys?.[0]?.keys).toMatchObject([{ key: 't1', stored: true }]);
    // dropped at its deadline: its stored copy is forgotten too
    engine.advanceTo(T0 + D + H);
    expect(store.asked).toEqual(['recall O1 frt t1', 'recall O1 frt t1', 'forget O1 frt t1']);
    expect([keysHeld(engine), engine.stats.expiredKeys]).toEqual([[], 0]);
  });

  it('a parked key recalled past its deadline is forgotten and starts again', () => {
    const store = new Store();
    const engine = new IndicatorEngine([FRT], ORGS, { parking: store });
    engine.fold(created('t1', T0));
    engine.fold(replied('t1', T0 + 40 * S));
    store.put(engine.park(0));
    engine.fold(created('t9', T0 + D + H)); // the indicator's clock reaches t1's deadline
    engine.fold(replied('t1', T0 + D + H));
    expect(store.asked).toEqual(['recall O1 frt t1', 'recall O1 frt t9', 'recall O1 frt t1', 'forget O1 frt t1']);
    expect(keysHeld(engine)).toEqual(['t9', 't1']);
    expect(engine.snapshot().orgs[0]?.journeys?.[0]?.keys[1]).not.toHaveProperty('stored');
    expect(read(engine, 'frt')).toEqual([40, 40, 1]);
  });

  it('a key that is no string and no finite number joins nothing; a number joins as its text', () => {
    const engine = new IndicatorEngine([FRT], ORGS);
    for (const key of [null, Number.NaN, Number.POSITIVE_INFINITY, { id: 1 }, ''])
      expect(engine.fold(created(key, T0)).status).toBe('ignored');
    engine.fold(created(7, T0));
    engine.fold(replied('7', T0 + 3 * S));
    expect(keysHeld(engine)).toEqual(['7']);
    expect(read(engine, 'frt')).toEqual([3, 3, 1]);
    expect(engine.journeyRefs([created(null, T0), created(8, T0)])).toEqual([
      { org: 'O1', indicator: 'frt', key: '8' },
    ]);
  });

  it("each indicator's clock, and a restored one beyond the time bound set back to it", () => {
    const engine = new IndicatorEngine([FRT, VISITORS], ORGS);
    expect(engine.journeyClocks()).toEqual([]);
    engine.fold(inquiry('v1', T0 + D)); // moves the org's clock, not the indicator's
    expect(engine.journeyClocks()).toEqual([]);
    engine.fold(replied('t1', T0 + 5 * MIN));
    expect(engine.journeyClocks()).toEqual([{ org: 'O1', indicator: 'frt', clockMs: T0 + 5 * MIN }]);
    const snap = engine.snapshot();
    const bounded = IndicatorEngine.restore([FRT, VISITORS], ORGS, snap, {
      timeBound: { now: () => T0, toleranceMs: MIN },
    });
    expect(bounded.journeyClocks()).toEqual([{ org: 'O1', indicator: 'frt', clockMs: T0 + MIN }]);
    const unbounded = IndicatorEngine.restore([FRT, VISITORS], ORGS, snap, {
      timeBound: { now: () => T0 + 5 * MIN, toleranceMs: 0 },
    });
    expect(unbounded.journeyClocks()).toEqual([{ org: 'O1', indicator: 'frt', clockMs: T0 + 5 * MIN }]);
  });

  it('in batch runs keys are never dropped, so an event after the horizon still joins', () => {
    const engine = new IndicatorEngine([FRT], ORGS, { ignoreLateness: true });
    engine.fold(created('t1', T0));
    engine.fold(created('t9', T0 + 5 * D));
    expect([keysHeld(engine), engine.stats.expiredKeys]).toEqual([['t1', 't9'], 0]);
    engine.fold(replied('t1', T0 + 30 * S));
    expect(read(engine, 'frt')).toEqual([30, 30, 1]);
  });
});

describe('parked values of distinct sets', () => {
  const parkingOf = (members: Map<string, Set<string>>): ValueParking => ({
    isMember: (ref, tally) => members.get(`${ref.side} ${ref.value}`)?.has(tally) === true,
  });

  it('moves the values of week to year sets out, with every tally they count in and the latest expiry', () => {
    const engine = new IndicatorEngine([VISITORS], ORGS, { valueParking: parkingOf(new Map()) });
    engine.fold(inquiry('v1'));
    engine.fold(inquiry('v2', T0 + H));
    const parked: ParkedValue[] = engine.parkValues();
    const tallies = ['org|O1', 'team|T1', 'agent|A1'].map((e) => `${e}|month|${MARCH}`);
    const april = Date.parse('2026-04-01T00:00:00Z');
    expect(parked).toEqual([
      { ref: { org: 'O1', indicator: 'visitors', side: 'num', value: 'v1' }, tallies, expiresMs: april + H },
      { ref: { org: 'O1', indicator: 'visitors', side: 'num', value: 'v2' }, tallies, expiresMs: april + H },
    ]);
    // the day's set keeps its values; the counts stay
    expect(engine.parkValues()).toEqual([]);
    expect([read(engine, 'visitors'), read(engine, 'visitors', 'day')]).toEqual([
      [2, 2, null],
      [2, 2, null],
    ]);
    // v1 again: the day's set knows it; the month's does not, and without the parking would count it twice
    engine.fold(inquiry('v1', T0 + 2 * H));
    expect(read(engine, 'visitors')).toEqual([3, 3, null]);
  });

  it('a value the parking holds for the tally is not counted again, in that tally only', () => {
    const tally = (level: string, id: string) => `${level}|${id}|month|${MARCH}`;
    const members = new Map([['num v1', new Set([tally('org', 'O1'), tally('agent', 'A1')])]]);
    const engine = new IndicatorEngine([VISITORS], ORGS, { valueParking: parkingOf(members) });
    engine.fold(inquiry('v1'));
    expect(read(engine, 'visitors')).toEqual([0, 0, null]);
    expect(engine.value('visitors', { level: 'team', id: 'T1', orgId: 'O1' }, 'month')?.value).toBe(1);
    expect(read(engine, 'visitors', 'day')).toEqual([1, 1, null]);
    expect(read(engine, 'visitors', 'rolling:24h')).toEqual([1, 1, null]);
  });

  it('names the values a batch needs, only for distinct terms of parked windows and events they match', () => {
    const COUNT = indicator('inquiries', { kind: 'terms', numerator: term('crm.inquiry.received'), scale: 1 });
    const DAILY = indicator('daily', VISITORS.measure, ['day']);
    const engine = new IndicatorEngine([COUNT, DAILY, VISITORS], ORGS, { valueParking: parkingOf(new Map()) });
    expect(
      engine.valueRefs([inquiry('v1'), event('crm.inquiry.received', T0, {}), event('ticket.solved', T0, {})]),
    ).toEqual([{ org: 'O1', indicator: 'visitors', side: 'num', value: 'v1' }]);
    const none = new IndicatorEngine([COUNT, DAILY], ORGS, { valueParking: parkingOf(new Map()) });
    expect(none.valueRefs([inquiry('v1')])).toEqual([]);
    expect(none.parkValues()).toEqual([]);
  });
});

describe('parked values of distinct denominators', () => {
  // paid orders per distinct visitor: the denominator's set is the one parked
  const perVisitor = (windows: IndicatorDef['windows']) =>
    indicator(
      'per-visitor',
      {
        kind: 'terms',
        numerator: term('crm.order.paid'),
        denominator: { ...term('crm.order.paid'), aggregation: { kind: 'distinct', fields: ['data.visitorId'] } },
        scale: 1,
      },
      windows,
    );
  const order = (visitorId: string, at = T0) => event('crm.order.paid', at, { visitorId, orderId: `o${n}` });
  const APRIL = Date.parse('2026-04-01T00:00:00Z');

  it('parks them on the denominator side with the latest expiry of their tallies, in either window order', () => {
    for (const windows of [
      ['week', 'month'],
      ['month', 'week'],
    ] as const) {
      const engine = new IndicatorEngine([perVisitor([...windows])], ORGS, {
        valueParking: { isMember: () => false },
      });
      engine.fold(order('v1'));
      expect(engine.parkValues().map((p) => [p.ref.side, p.ref.value, p.tallies.length, p.expiresMs])).toEqual([
        ['den', 'v1', 6, APRIL + H],
      ]);
      expect(engine.valueRefs([order('v1'), order('')])).toEqual([
        { org: 'O1', indicator: 'per-visitor', side: 'den', value: 'v1' },
      ]);
    }
  });

  it('does not count again a denominator value the parking holds for the tally', () => {
    const month = (level: string, id: string) => `${level}|${id}|month|${MARCH}`;
    const held = new Set([month('org', 'O1'), month('team', 'T1'), month('agent', 'A1')]);
    const engine = new IndicatorEngine([perVisitor(['month'])], ORGS, {
      valueParking: { isMember: (ref, tally) => ref.side === 'den' && ref.value === 'v1' && held.has(tally) },
    });
    engine.fold(order('v1'));
    engine.fold(order('v2'));
    expect(read(engine, 'per-visitor')).toEqual([2, 2, 1]);
  });

  it('parks nothing and names no value without a parking', () => {
    const engine = new IndicatorEngine([perVisitor(['month']), VISITORS], ORGS);
    engine.fold(order('v1'));
    engine.fold(inquiry('v1'));
    expect(engine.valueRefs([order('v1'), inquiry('v2')])).toEqual([]);
    expect(engine.parkValues()).toEqual([]);
    engine.fold(order('v1'));
    expect(read(engine, 'per-visitor')).toEqual([2, 2, 1]);
  });
});
