import { describe, expect, it } from 'vitest';
import type { IndicatorDef, OrgSettings, Term, WindowName } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import type { EngineSnapshot } from '../engine-snapshot';
import { IndicatorEngine } from '../indicator-engine';
import type { EntityRef } from '../indicator-value';

// Count, sum, ratio and distinct measures through the engine, over a rolling and a calendar window.
const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'UTC', currency: 'CNY', exchangeRates: {} }];
const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-10T10:00:00Z');

const term = (type: string, fields: Partial<Term> = {}): Term => ({
  types: [type],
  where: [],
  timeField: 'time',
  aggregation: { kind: 'count' },
  ...fields,
});

function indicator(id: string, measure: IndicatorDef['measure'], fields: Partial<IndicatorDef> = {}): IndicatorDef {
  return {
    id,
    version: 1,
    name: { en: id, zh: id },
    description: id,
    unit: 'number',
    levels: ['agent', 'team', 'org'],
    windows: ['rolling:24h', 'month'],
    allowedLatenessMs: 0,
    measure,
    ...fields,
  };
}

// first-contact resolution in percent: solved tickets with one contact ÷ all solved tickets
const FCR = indicator(
  'fcr',
  {
    kind: 'terms',
    numerator: term('ticket.solved', { where: [{ field: 'data.contacts', op: 'eq', value: 1 }] }),
    denominator: term('ticket.solved'),
    scale: 100,
  },
  { unit: 'ratio' },
);
const REFUNDS = indicator(
  'refunds',
  {
    kind: 'terms',
    numerator: term('refund.issued', { aggregation: { kind: 'sum', fields: ['data.amount'] } }),
    scale: 1,
  },
  { levels: ['team'] },
);
const VISITORS = indicator('visitors', {
  kind: 'terms',
  numerator: term('crm.inquiry.received', { aggregation: { kind: 'distinct', fields: ['data.visitorId'] } }),
  scale: 1,
});
// paid orders per distinct visitor: a distinct denominator
const PER_VISITOR = indicator('per-visitor', {
  kind: 'terms',
  numerator: term('crm.order.paid'),
  denominator: term('crm.order.paid', { aggregation: { kind: 'distinct', fields: ['data.visitorId'] } }),
  scale: 1,
});
const ALL = [FCR, REFUNDS, VISITORS, PER_VISITOR];

let n = 0;
const event = (type: string, data: Record<string, unknown>, timeMs = T0): CanonicalEvent => ({
  specversion: '1.0',
  id: `e${++n}`,
  source: 'test',
  type,
  time: new Date(timeMs).toISOString(),
  data: { orgId: 'O1', teamId: 'T1', agentId: 'A1', ...data },
});
const solved = (contacts: number, timeMs?: number) => event('ticket.solved', { ticketId: `t${n}`, contacts }, timeMs);
const refund = (amount: number, timeMs?: number) => event('refund.issued', { amount, currency: 'CNY' }, timeMs);
const inquiry = (visitorId: string, timeMs?: number) =>
  event('crm.inquiry.received', { visitorId, channel: 'chat' }, timeMs);
const order = (visitorId: string, timeMs?: number) =>
  event('crm.order.paid', { orderId: `o${n}`, visitorId, amount: 1, currency: 'CNY' }, timeMs);

const org: EntityRef = { level: 'org', id: 'O1', orgId: 'O1' };
const team: EntityRef = { level: 'team', id: 'T1', orgId: 'O1' };
const agent: EntityRef = { level: 'agent', id: 'A1', orgId: 'O1' };

function engineWith(...events: CanonicalEvent[]): IndicatorEngine {
  const engine = new IndicatorEngine(ALL, ORGS);
  for (const e of events) engine.fold(e);
  return engine;
}

// a checkpoint as stored: JSON
const roundTrip = (engine: IndicatorEngine): EngineSnapshot =>
  JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshot;

const reading = (engine: IndicatorEngine, id: string, window: WindowName, entity: EntityRef = org) => {
  const v = engine.value(id, entity, window);
  return [v?.value, v?.numerator, v?.denominator];
};

describe('a ratio', () => {
  it('is numerator ÷ denominator × scale over each window, for each entity', () => {
    const engine = engineWith(solved(1), solved(2), solved(1), solved(3));
    for (const window of ['rolling:24h', 'month'] as const) {
      expect(reading(engine, 'fcr', window)).toEqual([50, 2, 4]);
      expect(reading(engine, 'fcr', window, agent)).toEqual([50, 2, 4]);
    }
  });

  it('is null before any denominator, in both windows', () => {
    const engine = engineWith(refund(5));
    expect(reading(engine, 'fcr', 'rolling:24h')).toEqual([null, 0, 0]);
    expect(reading(engine, 'fcr', 'month')).toEqual([null, 0, 0]);
  });

  it('reads the window it covers: the 24 hours up to the clock, the current month', () => {
    const engine = engineWith(solved(1));
    const rolling = engine.value('fcr', org, 'rolling:24h');
    expect(rolling?.periodEnd).toBe(T0);
    // 96 buckets of 15 minutes: the window starts 23 h 45 min before the bucket of the clock
    expect(rolling?.periodStart).toBe(T0 - 23 * HOUR - 45 * 60_000);
    const month = engine.value('fcr', org, 'month');
    expect([month?.periodStart, month?.periodEnd]).toEqual([
      Date.parse('2026-03-01T00:00:00Z'),
      Date.parse('2026-04-01T00:00:00Z'),
    ]);
  });
});

describe('a sum', () => {
  it('adds amounts at the levels the indicator is computed at only', () => {
    const engine = engineWith(refund(2.5), refund(4));
    expect(reading(engine, 'refunds', 'month', team)).toEqual([6.5, 6.5, null]);
    expect(reading(engine, 'refunds', 'rolling:24h', team)).toEqual([6.5, 6.5, null]);
    expect(engine.entities('team')).toEqual([team]);
    // the org and the agent hold no state of it: they read the empty value
    expect(
      engine
        .values()
        .filter((v) => v.indicator === 'refunds')
        .map((v) => v.entity),
    ).toEqual([team, team]);
  });

  it('leaves out an event without the field it sums', () => {
    const engine = engineWith(refund(2), event('refund.issued', { currency: 'CNY' }));
    expect(reading(engine, 'refunds', 'month', team)).toEqual([2, 2, null]);
  });
});

describe('distinct counts', () => {
  it('count each value once per window, on the numerator or the denominator', () => {
    const engine = engineWith(inquiry('v1'), inquiry('v2'), inquiry('v1'), order('v1'), order('v1'), order('v2'));
    for (const window of ['rolling:24h', 'month'] as const) {
      expect(reading(engine, 'visitors', window)).toEqual([2, 2, null]);
      expect(reading(engine, 'per-visitor', window)).toEqual([1.5, 3, 2]);
    }
  });

  it('leave out an event without the value', () => {
    const engine = engineWith(inquiry('v1'), event('crm.inquiry.received', { channel: 'chat' }));
    expect(reading(engine, 'visitors', 'month')).toEqual([1, 1, null]);
  });
});

describe('the clock', () => {
  it('lets a rolling window drop what left it, reporting the change, while the month holds', () => {
    const engine = engineWith(solved(1), refund(3), inquiry('v1'));
    const moved = engine.advanceTo(T0 + 25 * HOUR);
    expect(moved.changes.map((v) => `${v.indicator} ${v.entity.level} ${v.window}`).sort()).toEqual(
      [
        'fcr agent rolling:24h',
        'fcr org rolling:24h',
        'fcr team rolling:24h',
        'refunds team rolling:24h',
        'visitors agent rolling:24h',
        'visitors org rolling:24h',
        'visitors team rolling:24h',
      ].sort(),
    );
    expect(reading(engine, 'fcr', 'rolling:24h')).toEqual([null, 0, 0]);
    expect(reading(engine, 'refunds', 'rolling:24h', team)).toEqual([0, 0, null]);
    expect(reading(engine, 'visitors', 'rolling:24h')).toEqual([0, 0, null]);
    expect(reading(engine, 'fcr', 'month')).toEqual([100, 1, 1]);
    // an hour more drops nothing: no change to report
    expect(engine.advanceTo(T0 + 26 * HOUR).changes).toEqual([]);
  });

  it('keeps an event exactly a window old out of the rolling window, but in its month', () => {
    const engine = engineWith(solved(1, T0 + 24 * HOUR));
    engine.fold(solved(1, T0));
    expect(reading(engine, 'fcr', 'rolling:24h')).toEqual([100, 1, 1]);
    expect(reading(engine, 'fcr', 'month')).toEqual([100, 2, 2]);
  });

  it('closes a month, giving its final value, and the next one starts empty', () => {
    const engine = engineWith(solved(1), solved(2));
    const april = Date.parse('2026-04-01T00:00:00Z');
    const { closed } = engine.advanceTo(april);
    expect(closed.filter((v) => v.indicator === 'fcr' && v.entity.level === 'org')).toEqual([
      expect.objectContaining({ window: 'month', value: 50, numerator: 1, denominator: 2 }),
    ]);
    expect(reading(engine, 'fcr', 'month')).toEqual([null, 0, 0]);
    // an event of the closed month is too late for it; the rolling window no longer holds its hour
    const late = engine.fold(solved(1, april - 1));
    expect(new Set(late.tooLate.map((t) => `${t.indicator} ${t.window}`))).toEqual(new Set(['fcr month']));
  });

  it('counts each month apart, the older one kept while it is open', () => {
    const march = Date.parse('2026-03-31T23:00:00Z');
    const engine = new IndicatorEngine(ALL, ORGS, { ignoreLateness: true });
    engine.fold(refund(1, march));
    engine.fold(refund(10, march + 2 * HOUR));
    engine.fold(refund(100, march));
    expect(reading(engine, 'refunds', 'month', team)).toEqual([10, 10, null]);
  });
});

describe('a snapshot', () => {
  it('restores every window so that counting goes on as if never stopped', () => {
    const events = [solved(1), solved(2), refund(2), inquiry('v1'), order('v1'), order('v2')];
    const later = [solved(1, T0 + HOUR), inquiry('v1', T0 + HOUR), inquiry('v3', T0 + HOUR), order('v2', T0 + HOUR)];
    const straight = engineWith(...events, ...later);
    const restored = IndicatorEngine.restore(ALL, ORGS, roundTrip(engineWith(...events)));
    for (const e of later) restored.fold(e);
    expect(restored.values()).toEqual(straight.values());
    restored.advanceTo(T0 + 30 * HOUR);
    straight.advanceTo(T0 + 30 * HOUR);
    expect(restored.values()).toEqual(straight.values());
  });

  it('drops the state of an indicator whose windows or sides changed since', () => {
    const snapshot = roundTrip(engineWith(solved(1), inquiry('v1')));
    const weekly = { ...FCR, windows: ['rolling:24h', 'week'] } as IndicatorDef;
    const oneWindow = { ...FCR, windows: ['month'] } as IndicatorDef;
    const noDenominator: IndicatorDef = {
      ...FCR,
      measure: { kind: 'terms', numerator: term('ticket.solved'), scale: 1 },
    };
    const notDistinct: IndicatorDef = {
      ...VISITORS,
      measure: { kind: 'terms', numerator: term('crm.inquiry.received'), scale: 1 },
    };
    for (const def of [weekly, oneWindow, noDenominator, notDistinct]) {
      const restored = IndicatorEngine.restore([def], ORGS, snapshot);
      for (const window of def.windows) {
        expect(restored.value(def.id, org, window)?.numerator).toBe(0);
      }
    }
  });
});

describe('edges of the arithmetic', () => {
  it('scales a count without denominator', () => {
    const doubled = indicator('doubled', { kind: 'terms', numerator: term('ticket.solved'), scale: 2 });
    const engine = new IndicatorEngine([doubled], ORGS);
    engine.fold(solved(1));
    expect([engine.value('doubled', org, 'month')?.value, engine.value('doubled', org, 'rolling:24h')?.value]).toEqual([
      2, 2,
    ]);
  });

  it('reports a rolling ratio whose denominator alone leaves the window', () => {
    const engine = engineWith(solved(2));
    expect(reading(engine, 'fcr', 'rolling:24h')).toEqual([0, 0, 1]);
    const { changes } = engine.advanceTo(T0 + 25 * HOUR);
    expect(changes.filter((v) => v.indicator === 'fcr' && v.entity.level === 'org').map((v) => v.value)).toEqual([
      null,
    ]);
  });
});
