import { describe, expect, it } from 'vitest';
import type { IndicatorDef, Measure, OrgSettings, Term } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import type { EngineSnapshot } from '../engine-snapshot';
import { IndicatorEngine } from '../indicator-engine';
import type { EntityRef } from '../indicator-value';

// Joined keys at their edges: indicators sharing types, events their conditions leave out, the lateness
// bound exactly, a start after its `to`, owners without a team or an agent, and the pairs' tallies
// through rolling windows, closing, snapshots and the time bound.
const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'UTC', currency: 'CNY', exchangeRates: {} }];
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;
const T0 = Date.parse('2026-03-10T10:00:00Z');
const MARCH = Date.parse('2026-03-01T00:00:00Z');
const APRIL = Date.parse('2026-04-01T00:00:00Z');

const term = (type: string, where: Term['where'] = []): Term => ({
  types: [type],
  where,
  timeField: 'time',
  aggregation: { kind: 'count' },
});
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
const lifecycle = (result: Extract<Measure, { kind: 'lifecycle' }>['result'], where: Term['where'] = []): Measure => ({
  kind: 'lifecycle',
  key: 'data.ticketId',
  from: term('ticket.created', where),
  to: term('ticket.replied'),
  pick: 'first',
  result,
  horizonMs: D,
});
const FRT = indicator('frt', lifecycle({ kind: 'average', unit: 's' }), ['month', 'rolling:1h']);
const SLA = indicator('sla', lifecycle({ kind: 'within', withinMs: 30 * S }));
const CHAT_FRT = indicator(
  'chat-frt',
  lifecycle({ kind: 'average', unit: 's' }, [{ field: 'data.channel', op: 'eq', value: 'chat' }]),
);
const CONV = indicator('conv', {
  kind: 'conversion',
  key: 'data.leadId',
  from: term('crm.lead.created'),
  to: term('crm.deal.created'),
  withinMs: 10 * D,
});

let n = 0;
const event = (type: string, at: number, data: Record<string, unknown>): CanonicalEvent => ({
  specversion: '1.0',
  id: `e${++n}`,
  source: 'test',
  type,
  time: new Date(at).toISOString(),
  data: { orgId: 'O1', teamId: 'T1', agentId: 'A1', channel: 'chat', ...data },
});
const created = (ticketId: string, at: number, data: Record<string, unknown> = {}) =>
  event('ticket.created', at, { ticketId, ...data });
const replied = (ticketId: string, at: number, data: Record<string, unknown> = {}) =>
  event('ticket.replied', at, { ticketId, ...data });

const ORG: EntityRef = { level: 'org', id: 'O1', orgId: 'O1' };
const read = (engine: IndicatorEngine, id: string, window: 'month' | 'rolling:1h' = 'month') => {
  const v = engine.value(id, ORG, window);
  return [v?.value, v?.numerator, v?.denominator];
};
const keysOf = (engine: IndicatorEngine, id: string) =>
  engine
    .snapshot()
    .orgs[0]?.journeys?.find((j) => j.indicator === id)
    ?.keys.map((k) => k.key);
const engineWith = (defs: IndicatorDef[], events: CanonicalEvent[]) => {
  const engine = new IndicatorEngine(defs, ORGS);
  for (const e of events) engine.fold(e);
  return engine;
};

describe('joined keys', () => {
  it('feed every joined indicator of their types', () => {
    const engine = engineWith([SLA, FRT], [created('t1', T0), replied('t1', T0 + 40 * S)]);
    expect([read(engine, 'sla'), read(engine, 'frt')]).toEqual([
      [0, 0, 1],
      [40, 40, 1],
    ]);
  });

  it('an event its conditions leave out is no start, holds no key and changes nothing', () => {
    const engine = new IndicatorEngine([CHAT_FRT], ORGS);
    expect(engine.fold(created('t1', T0, { channel: 'mail' })).status).toBe('ignored');
    expect(keysOf(engine, 'chat-frt')).toEqual([]);
    engine.fold(replied('t1', T0 + 5 * S));
    expect(read(engine, 'chat-frt')).toEqual([null, 0, 0]);
  });

  it('the first start counts, whatever arrives after it', () => {
    const engine = engineWith([FRT], [created('t1', T0), created('t1', T0 + 10 * S), replied('t1', T0 + 25 * S)]);
    expect(read(engine, 'frt')).toEqual([25, 25, 1]);
  });

  it('an event exactly the allowed lateness behind the clock is too late; a millisecond less is not', () => {
    const engine = engineWith([FRT], [created('t9', T0 + H)]);
    expect(engine.fold(created('t1', T0)).tooLate).toEqual([{ indicator: 'frt', window: 'month', periodStart: MARCH }]);
    expect(engine.fold(created('t2', T0 + 1)).tooLate).toEqual([]);
    expect(keysOf(engine, 'frt')).toEqual(['t9', 't2']);
  });

  it('a start arriving after its `to` moves the key deadline: kept until then, dropped at it', () => {
    const engine = engineWith([FRT], [replied('t1', T0 + 30 * MIN), created('t1', T0)]);
    expect(read(engine, 'frt')).toEqual([1800, 1800, 1]);
    engine.advanceTo(T0 + 30 * MIN + H + 1); // the reply's own deadline has passed: not the key's
    expect(keysOf(engine, 'frt')).toEqual(['t1']);
    engine.advanceTo(T0 + D + H - 1);
    expect(keysOf(engine, 'frt')).toEqual(['t1']);
    engine.advanceTo(T0 + D + H);
    expect(keysOf(engine, 'frt')).toEqual([]);
  });

  it('a later `to` that moves nothing reports no change', () => {
    const engine = engineWith([FRT], [created('t1', T0), replied('t1', T0 + 5 * S)]);
    const later = engine.fold(replied('t1', T0 + 9 * S));
    expect([later.status, later.changes]).toEqual(['applied', []]);
  });

  it('owners without a team or an agent count for the org alone', () => {
    const engine = engineWith(
      [FRT, CONV],
      [
        created('t1', T0, { teamId: undefined, agentId: undefined }),
        replied('t1', T0 + 8 * S, { teamId: undefined, agentId: undefined }),
        event('crm.lead.created', T0, { leadId: 'l1', teamId: undefined, agentId: undefined }),
        event('crm.deal.created', T0 + D, { leadId: 'l1', teamId: undefined, agentId: undefined }),
      ],
    );
    expect([read(engine, 'frt'), read(engine, 'conv')]).toEqual([
      [8, 8, 1],
      [1, 1, 1],
    ]);
    expect([engine.entities('team'), engine.entities('agent')]).toEqual([[], []]);
  });

  it('names the keys of an indicator the org has no book for yet', () => {
    const engine = engineWith([FRT, CONV], [created('t1', T0)]);
    expect(engine.journeyRefs([event('crm.lead.created', T0, { leadId: 'l1' }), replied('t1', T0)])).toEqual([
      { org: 'O1', indicator: 'conv', key: 'l1' },
    ]);
  });

  it('a restored book without a clock has none to report', () => {
    const snap: EngineSnapshot = {
      version: 2,
      floorMs: null,
      stats: {
        applied: 0,
        ignored: 0,
        duplicate: 0,
        tooLate: 0,
        rejected: 0,
        unknownInvoicePayments: 0,
        expiredKeys: 0,
      },
      dedup: [],
      orgs: [
        { id: 'O1', clockMs: null, dedup: [], journeys: [{ indicator: 'frt', clockMs: null, keys: [] }], entities: [] },
      ],
    };
    expect(IndicatorEngine.restore([FRT], ORGS, snap).journeyClocks()).toEqual([]);
  });
});

describe("the pairs' tallies", () => {
  it('decay out of a rolling window, reported as a change', () => {
    const engine = engineWith([FRT], [created('t1', T0), replied('t1', T0 + 10 * S)]);
    expect(read(engine, 'frt', 'rolling:1h')).toEqual([10, 10, 1]);
    const { changes } = engine.advanceTo(T0 + 2 * H);
    expect(changes.filter((c) => c.window === 'rolling:1h').map((c) => [c.entity.level, c.value])).toEqual([
      ['org', null],
      ['team', null],
      ['agent', null],
    ]);
  });

  it('close with their month, which then holds nothing; a snapshot keeps what is open and closes it on time', () => {
    const engine = engineWith([FRT], [created('t1', T0), replied('t1', T0 + 10 * S)]);
    const snap = JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshot;
    const restored = IndicatorEngine.restore([FRT], ORGS, snap);
    expect(read(restored, 'frt')).toEqual([10, 10, 1]);
    for (const e of [engine, restored]) {
      const { closed } = e.advanceTo(APRIL + H);
      expect(closed.filter((c) => c.entity.level === 'org').map((c) => [c.periodStart, c.value])).toEqual([
        [MARCH, 10],
      ]);
      const windows = e.snapshot().orgs[0]?.entities[0]?.indicators[0]?.windows;
      expect(windows?.[0]).toEqual({ kind: 'calendar', window: 'month', periods: [] });
    }
  });

  it('ahead of a restored clock set back to the time bound, drop out of the rolling window', () => {
    const engine = engineWith([FRT], [created('t1', T0), replied('t1', T0 + 30 * MIN)]);
    const bounded = IndicatorEngine.restore([FRT], ORGS, engine.snapshot(), {
      timeBound: { now: () => T0 + 10 * MIN, toleranceMs: 0 },
    });
    expect(read(bounded, 'frt', 'rolling:1h')).toEqual([null, 0, 0]);
    expect(read(bounded, 'frt')).toEqual([1800, 1800, 1]);
  });
});
