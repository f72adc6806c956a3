import { describe, expect, it } from 'vitest';
import type { IndicatorDef, Measure, OrgSettings } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import type { EngineSnapshot } from '../engine-snapshot';
import { IndicatorEngine } from '../indicator-engine';
import type { JourneyParking, ParkedJourney } from '../state/journey-book';
import type { EntityRef } from '../indicator-value';

const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'UTC', currency: 'CNY', exchangeRates: {} }];
const S = 1000;
const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const T0 = Date.parse('2026-03-10T10:00:00Z');

const term = (type: string) =>
  ({ types: [type], where: [], timeField: 'time', aggregation: { kind: 'count' } }) as const;

function indicator(id: string, measure: Measure, latenessMs = H): IndicatorDef {
  return {
    id,
    version: 1,
    name: { en: id, zh: id },
    description: id,
    unit: 'ratio',
    levels: ['agent', 'team', 'org'],
    windows: ['month', 'rolling:24h'],
    allowedLatenessMs: latenessMs,
    measure,
  };
}

const within30s = indicator('sla', {
  kind: 'lifecycle',
  key: 'data.ticketId',
  from: term('ticket.created'),
  to: term('ticket.replied'),
  pick: 'first',
  result: { kind: 'within', withinMs: 30 * S },
  horizonMs: D,
});
const firstReplySeconds = indicator('frt', { ...within30s.measure, result: { kind: 'average', unit: 's' } } as Measure);
const cycleDays = indicator('cycle', {
  kind: 'lifecycle',
  key: 'data.dealId',
  from: term('crm.deal.created'),
  to: term('crm.deal.won'),
  pick: 'last',
  result: { kind: 'average', unit: 'd' },
  horizonMs: 365 * D,
});
const leadToDeal = indicator('conv', {
  kind: 'conversion',
  key: 'data.leadId',
  from: term('crm.lead.created'),
  to: term('crm.deal.created'),
  withinMs: 10 * D,
});

let n = 0;
function event(type: string, at: number, data: Record<string, unknown>): CanonicalEvent {
  return {
    specversion: '1.0',
    id: `e${++n}`,
    source: 'test',
    type,
    time: new Date(at).toISOString(),
    data: { orgId: 'O1', teamId: 'T1', ...data },
  };
}
const created = (ticketId: string, at: number, agentId = 'a-intake') =>
  event('ticket.created', at, { ticketId, channel: 'chat', agentId });
const replied = (ticketId: string, at: number, agentId = 'a1') =>
  event('ticket.replied', at, { ticketId, firstReply: true, responseSeconds: 0, agentId });

const ORG: EntityRef = { level: 'org', id: 'O1', orgId: 'O1' };
const agent = (id: string): EntityRef => ({ level: 'agent', id, orgId: 'O1' });

function engineWith(defs: IndicatorDef[], events: CanonicalEvent[]): IndicatorEngine {
  const engine = new IndicatorEngine(defs, ORGS);
  for (const e of events) engine.fold(e);
  return engine;
}
const month = (engine: IndicatorEngine, id: string, entity: EntityRef = ORG) => {
  const v = engine.value(id, entity, 'month');
  return [v?.value, v?.numerator, v?.denominator];
};

describe('lifecycle measures: first reply within 30 s of the ticket', () => {
  it('counts each ticket once, at its first reply, for the agent who replied', () => {
    const engine = engineWith(
      [within30s],
      [
        created('t1', T0),
        replied('t1', T0 + 20 * S, 'a1'),
        replied('t1', T0 + 25 * S, 'a2'), // a later reply changes nothing
        created('t2', T0),
        replied('t2', T0 + 40 * S, 'a2'),
      ],
    );
    expect(month(engine, 'sla')).toEqual([0.5, 1, 2]);
    expect(month(engine, 'sla', agent('a1'))).toEqual([1, 1, 1]);
    expect(month(engine, 'sla', agent('a2'))).toEqual([0, 0, 1]);
    // the ticket's creator is not the one measured
    expect(month(engine, 'sla', agent('a-intake'))).toEqual([null, 0, 0]);
  });

  it('holds a reply that arrives before its ticket, and reports the pair when the ticket comes', () => {
    const engine = new IndicatorEngine([within30s], ORGS);
    const held = engine.fold(replied('t1', T0 + 10 * S));
    expect([held.status, held.changes]).toEqual(['applied', []]);
    const { changes } = engine.fold(created('t1', T0));
    expect(changes.map((c) => [c.entity.level, c.window, c.value])).toEqual([
      ['org', 'month', 1],
      ['team', 'month', 1],
      ['agent', 'month', 1],
      ['org', 'rolling:24h', 1],
      ['team', 'rolling:24h', 1],
      ['agent', 'rolling:24h', 1],
    ]);
  });

  it('moves the pair to an earlier reply or an earlier creation that arrives late', () => {
    const engine = engineWith(
      [firstReplySeconds],
      [created('t1', T0 + 10 * S), replied('t1', T0 + 50 * S, 'a2'), replied('t1', T0 + 30 * S, 'a1')],
    );
    expect(month(engine, 'frt')).toEqual([20, 20, 1]);
    expect(month(engine, 'frt', agent('a2'))).toEqual([null, 0, 0]);
    engine.fold(created('t1', T0));
    expect(month(engine, 'frt', agent('a1'))).toEqual([30, 30, 1]);
  });

  it('does not count a reply timed before its ticket, or one beyond the horizon', () => {
    const engine = engineWith(
      [firstReplySeconds],
      [replied('t1', T0 - S), created('t1', T0), created('t2', T0), replied('t2', T0 + D + S)],
    );
    expect(month(engine, 'frt')).toEqual([null, 0, 0]);
  });

  it('counts a ticket once whatever its duplicates: same event twice, or the same reply re-sent', () => {
    const c = created('t1', T0);
    const r = replied('t1', T0 + 5 * S);
    const resent = { ...r, id: 'other-id' };
    const engine = engineWith([within30s], [c, r, c, r, resent, created('t1', T0 + S)]);
    expect(month(engine, 'sla')).toEqual([1, 1, 1]);
  });

  it('notes an event the allowed lateness or more behind the clock as too late, and does not join it', () => {
    const engine = engineWith([within30s], [created('t9', T0 + 2 * H)]);
    const late = engine.fold(created('t1', T0));
    expect(late.tooLate).toEqual([
      { indicator: 'sla', window: 'month', periodStart: Date.parse('2026-03-01T00:00:00Z') },
    ]);
    engine.fold(replied('t1', T0 + 2 * H));
    expect(month(engine, 'sla')).toEqual([null, 0, 0]);
  });

  it('keeps its own clock: events of other sources read far ahead never make its pairs late', () => {
    const deal = event('crm.deal.won', T0 + 5 * D, {
      dealId: 'd1',
      amount: 1,
      currency: 'CNY',
      sqlAt: '2026-03-01T00:00:00Z',
    });
    const engine = engineWith([within30s], [deal, created('t1', T0), replied('t1', T0 + 10 * S)]);
    expect(engine.clockOf('O1')).toBe(T0 + 5 * D);
    expect(month(engine, 'sla')).toEqual([1, 1, 1]);
  });

  it('drops a key after its horizon plus the lateness, counting it when it never paired', () => {
    const engine = engineWith([within30s], [created('t1', T0), created('t2', T0), replied('t2', T0 + S)]);
    engine.advanceTo(T0 + D + H - 1);
    expect(engine.snapshot().orgs[0]?.journeys?.[0]?.keys.map((k) => k.key)).toEqual(['t1', 't2']);
    engine.advanceTo(T0 + D + H);
    expect(engine.snapshot().orgs[0]?.journeys?.[0]?.keys).toEqual([]);
    expect(engine.stats.expiredKeys).toBe(1);
    // a reply for the dropped ticket is too late: nothing could pair with it any more
    expect(engine.fold(replied('t1', T0 + 2 * S)).tooLate.length).toBe(1);
    expect(month(engine, 'sla')).toEqual([1, 1, 1]);
  });
});

describe('lifecycle measures: the last to', () => {
  it('moves the pair to a later won while its period is open, and keeps it in a closed one', () => {
    const dealCreated = (at: number) => event('crm.deal.created', at, { dealId: 'd1', agentId: 'a1' });
    const won = (at: number) =>
      event('crm.deal.won', at, {
        dealId: 'd1',
        agentId: 'a1',
        amount: 1,
        currency: 'CNY',
        sqlAt: '2026-03-01T00:00:00Z',
      });
    const engine = engineWith([cycleDays], [dealCreated(T0), won(T0 + 2 * D), won(T0 + 4 * D)]);
    expect(month(engine, 'cycle')).toEqual([4, 4, 1]);
    // April: March has closed with the pair at 4 days; a won in April would have to take it from there
    const april = engine.fold(won(Date.parse('2026-04-05T00:00:00Z')));
    expect(april.tooLate).toEqual([
      { indicator: 'cycle', window: 'month', periodStart: Date.parse('2026-03-01T00:00:00Z') },
    ]);
    expect(month(engine, 'cycle')).toEqual([null, 0, 0]);
  });
});

describe('conversion measures', () => {
  const lead = (leadId: string, at: number) => event('crm.lead.created', at, { leadId, agentId: 'owner' });
  const deal = (leadId: string, at: number) =>
    event('crm.deal.created', at, { dealId: `d-${leadId}`, leadId, agentId: 'closer' });

  it('counts a conversion at its deal for the lead owner, and a miss at the end of the window once it has passed', () => {
    const engine = engineWith([leadToDeal], [lead('l1', T0), lead('l2', T0), deal('l1', T0 + 3 * D)]);
    expect(month(engine, 'conv', agent('owner'))).toEqual([1, 1, 1]);
    expect(month(engine, 'conv', agent('closer'))).toEqual([null, 0, 0]);
    // l2's window ends at T0 + 10 d; it is settled when the clock is the lateness past that
    expect(engine.advanceTo(T0 + 10 * D + H - 1).changes.filter((c) => c.window === 'month')).toEqual([]);
    const { changes } = engine.advanceTo(T0 + 10 * D + H);
    expect(changes.filter((c) => c.window === 'month').map((c) => [c.entity.level, c.value])).toEqual([
      ['org', 0.5],
      ['team', 0.5],
      ['agent', 0.5],
    ]);
    expect(engine.stats.expiredKeys).toBe(0);
  });

  it('counts a miss as soon as a deal after the window proves it, and moves it if one within comes in time', () => {
    const engine = engineWith([leadToDeal], [lead('l1', T0), deal('l1', T0 + 10 * D + 30 * MIN)]);
    expect(month(engine, 'conv')).toEqual([0, 0, 1]);
    engine.fold(deal('l1', T0 + 10 * D - 10 * MIN));
    expect(month(engine, 'conv')).toEqual([1, 1, 1]);
  });

  it('does not convert a deal beyond the window, and counts deals without a lead in theirs as expired', () => {
    const engine = engineWith([leadToDeal], [lead('l1', T0), deal('l1', T0 + 11 * D), deal('l9', T0 + 11 * D)]);
    engine.advanceTo(T0 + 12 * D);
    expect(month(engine, 'conv')).toEqual([0, 0, 1]);
    // l1's window had passed when its deal came: that deal, like l9's, had no lead to join
    expect(engine.stats.expiredKeys).toBe(2);
  });

  it('gives the same values after a restore as without one', () => {
    const events = [lead('l1', T0), lead('l2', T0 + H), deal('l2', T0 + 2 * D), lead('l3', T0 + 3 * D)];
    const whole = engineWith([leadToDeal, within30s], events);
    whole.advanceTo(T0 + 20 * D);
    const first = engineWith([leadToDeal, within30s], events.slice(0, 2));
    const restored = IndicatorEngine.restore(
      [leadToDeal, within30s],
      ORGS,
      JSON.parse(JSON.stringify(first.snapshot())) as EngineSnapshot,
    );
    for (const e of events.slice(2)) restored.fold(e);
    restored.advanceTo(T0 + 20 * D);
    expect(restored.values()).toEqual(whole.values());
    expect(month(restored, 'conv')).toEqual([1 / 3, 1, 3]);
  });
});

describe('parked keys', () => {
  // the parking store as the processor's table keeps it: a row per key until forgotten
  function parkingStore() {
    const rows = new Map<string, ParkedJourney>();
    const parking: JourneyParking = {
      recall: (ref) => rows.get(ref.key)?.journey,
      forget: (ref) => rows.delete(ref.key),
    };
    return { rows, parking, keep: (parked: ParkedJourney[]) => parked.forEach((p) => rows.set(p.ref.key, p)) };
  }
  const lead = (leadId: string, at: number) => event('crm.lead.created', at, { leadId, agentId: 'owner' });
  const deal = (leadId: string, at: number) =>
    event('crm.deal.created', at, { dealId: `d-${leadId}`, leadId, agentId: 'closer' });
  const keysInMemory = (engine: IndicatorEngine) =>
    engine.snapshot().orgs[0]?.journeys?.flatMap((b) => b.keys.map((k) => k.key));

  it('parks a quiet key that counts for nothing yet, and counts it expired at its deadline, not before', () => {
    const { rows, parking, keep } = parkingStore();
    const engine = new IndicatorEngine([within30s], ORGS, { parking });
    // a reply whose ticket has not come (deadline: T0 + the hour of lateness), a ticket with no reply (T0 + 1 d + 1 h)
    engine.fold(replied('t1', T0));
    engine.fold(created('t2', T0));
    engine.advanceTo(T0 + 20 * MIN);
    keep(engine.park(15 * MIN));
    expect([...rows.keys()]).toEqual(['t1', 't2']);
    expect(keysInMemory(engine)).toEqual([]);
    expect(engine.snapshot().orgs[0]?.journeys?.[0]?.uncounted).toEqual([
      [T0 + H, 1],
      [T0 + D + H, 1],
    ]);
    engine.advanceTo(T0 + H - 1);
    expect(engine.stats.expiredKeys).toBe(0);
    engine.advanceTo(T0 + H);
    expect(engine.stats.expiredKeys).toBe(1);
    engine.advanceTo(T0 + D + H);
    expect(engine.stats.expiredKeys).toBe(2);
    expect(engine.snapshot().orgs[0]?.journeys?.[0]?.uncounted).toBeUndefined();
  });

  it('takes a called-back key out of the expiries: it pairs and never counts as expired', () => {
    const { parking, keep } = parkingStore();
    const engine = new IndicatorEngine([within30s], ORGS, { parking });
    engine.fold(replied('t1', T0 + 10 * S));
    engine.advanceTo(T0 + 20 * MIN);
    keep(engine.park(15 * MIN));
    // the ticket comes late, within the hour of lateness: the reply is called back and pairs with it
    engine.fold(created('t1', T0));
    expect(month(engine, 'sla')).toEqual([1, 1, 1]);
    engine.advanceTo(T0 + 3 * D);
    expect(engine.stats.expiredKeys).toBe(0);
  });

  it('keeps in memory a conversion whose deadline will count its miss, and keeps expiries across a restore', () => {
    const { rows, parking, keep } = parkingStore();
    let engine = new IndicatorEngine([leadToDeal], ORGS, { parking });
    engine.fold(lead('l1', T0));
    engine.fold(deal('l9', T0)); // a deal without a lead: its deadline is T0 + the hour of lateness
    engine.advanceTo(T0 + 30 * MIN);
    keep(engine.park(15 * MIN));
    expect([...rows.keys()]).toEqual(['l9']);
    expect(keysInMemory(engine)).toEqual(['l1']);
    const image = JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshot;
    engine = IndicatorEngine.restore([leadToDeal], ORGS, image, { parking });
    engine.advanceTo(T0 + 10 * D + H);
    expect(month(engine, 'conv')).toEqual([0, 0, 1]);
    expect(engine.stats.expiredKeys).toBe(1);
  });
});
