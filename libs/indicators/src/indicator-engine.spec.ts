import { describe, expect, it } from 'vitest';
import type { IndicatorDef, OrgSettings } from '#libs/definitions';
import { idempotencyKey, type CanonicalEvent } from '#libs/events';
import type { DedupDay, KeyMemory, Sighting } from './deduplicator';
import type { EngineSnapshot, EngineSnapshotV1 } from './engine-snapshot';
import { IndicatorEngine } from './indicator-engine';
import type { EntityRef, IndicatorValue } from './indicator-value';

// The engine's own duties, apart from the arithmetic of its measure kinds (measures/*.spec.ts): what it
// rejects and why, dedup, lateness by the horizon, clocks per org and the floor, what a fold, a batch and
// a tick report, reading values of entities it has not seen, snapshots and their versions.
const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const ORGS: OrgSettings[] = [
  { id: 'O1', timeZone: 'UTC', currency: 'CNY', exchangeRates: { USD: 7 } },
  { id: 'O2', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: {} },
];
const T0 = Date.parse('2026-03-10T10:00:00Z');
const MARCH = Date.parse('2026-03-01T00:00:00Z');
const APRIL = Date.parse('2026-04-01T00:00:00Z');
const MARCH_O2 = Date.parse('2026-03-01T00:00:00+08:00'); // O2's zone
const iso = (t: number) => new Date(t).toISOString();

const indicator = (id: string, measure: IndicatorDef['measure'], fields: Partial<IndicatorDef> = {}): IndicatorDef => ({
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
});
const SOLVED = indicator('solved', {
  kind: 'terms',
  numerator: { types: ['ticket.solved'], where: [], timeField: 'time', aggregation: { kind: 'count' } },
  scale: 1,
});
const REFUNDED = indicator(
  'refunded',
  {
    kind: 'terms',
    numerator: {
      types: ['refund.issued'],
      where: [],
      timeField: 'time',
      aggregation: { kind: 'sum', fields: ['data.amount'] },
    },
    scale: 1,
  },
  { windows: ['month'], levels: ['org'] },
);
// an event that only matters for a day and an hour of lateness: its horizon is shorter than a month's
const SOLVED_TODAY = indicator('solved-today', SOLVED.measure, { windows: ['day'], allowedLatenessMs: H });
// the month's distinct visitors, whose values a parking may hold
const VISITORS = indicator('visitors', {
  kind: 'terms',
  numerator: {
    types: ['crm.inquiry.received'],
    where: [],
    timeField: 'time',
    aggregation: { kind: 'distinct', fields: ['data.visitorId'] },
  },
  scale: 1,
});
const FIRST_REPLY = indicator(
  'sla',
  {
    kind: 'lifecycle',
    key: 'data.ticketId',
    from: { types: ['ticket.created'], where: [], timeField: 'time', aggregation: { kind: 'count' } },
    to: { types: ['ticket.replied'], where: [], timeField: 'time', aggregation: { kind: 'count' } },
    pick: 'first',
    result: { kind: 'within', withinMs: 30_000 },
    horizonMs: D,
  },
  { windows: ['month'], allowedLatenessMs: H },
);

let n = 0;
const event = (type: string, timeMs: number, data: Record<string, unknown> = {}): CanonicalEvent => ({
  specversion: '1.0',
  id: `e${++n}`,
  source: 'test',
  type,
  time: iso(timeMs),
  data: { orgId: 'O1', teamId: 'T1', agentId: 'A1', ...data },
});
const solved = (timeMs: number, data: Record<string, unknown> = {}) => event('ticket.solved', timeMs, data);

const ref = (level: EntityRef['level'], id: string, orgId = 'O1'): EntityRef => ({ level, id, orgId });
const ORG = ref('org', 'O1');
const brief = (values: readonly IndicatorValue[]) =>
  values.map((v) => [v.indicator, v.entity.level, v.entity.id, v.window, v.periodStart, v.value]);
// periods closing at one deadline close in no particular order
const sorted = (values: readonly IndicatorValue[]) =>
  brief(values).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const sortedRows = (rows: unknown[][]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const NO_STATS = {
  applied: 0,
  ignored: 0,
  duplicate: 0,
  tooLate: 0,
  rejected: 0,
  unknownInvoicePayments: 0,
  expiredKeys: 0,
};

describe('the engine rejects, by name', () => {
  it('an event of an org the definitions do not hold, when there is no default org', () => {
    const engine = new IndicatorEngine([SOLVED], ORGS);
    expect(engine.fold(solved(T0, { orgId: 'O9' }))).toEqual({
      status: 'rejected',
      reason: 'data.orgId: unknown org O9 and no default org',
      field: 'data.orgId',
      code: 'unknown_org',
      tooLate: [],
      changes: [],
      closed: [],
    });
    expect(engine.stats).toEqual({ ...NO_STATS, rejected: 1 });
    expect(engine.entities('org')).toEqual([]);
    expect(engine.orgTimeZone('O9')).toBe('UTC');
  });

  it("an org without settings of its own takes the '*' default's", () => {
    const engine = new IndicatorEngine([SOLVED], [...ORGS, { ...ORGS[1], id: '*' } as OrgSettings]);
    expect(engine.fold(solved(T0, { orgId: 'O9' })).status).toBe('applied');
    expect(engine.orgTimeZone('O9')).toBe('Asia/Shanghai');
    expect(engine.orgTimeZone('O1')).toBe('UTC');
    expect(engine.value('solved', ref('org', 'O9', 'O9'), 'month')?.value).toBe(1);
  });

  it('an amount it cannot convert, with the whole reason once prefixed; one it can, converted', () => {
    const engine = new IndicatorEngine([REFUNDED], ORGS);
    expect(engine.fold(event('refund.issued', T0, { amount: 10, currency: 'EUR' }))).toMatchObject({
      status: 'rejected',
      field: 'data.currency',
      code: 'no_exchange_rate',
      reason: "data.currency: EUR differs from the org's reporting currency CNY and no exchange rate is configured",
    });
    expect(engine.fold(event('refund.issued', T0, { amount: 'ten', currency: 'USD' }))).toMatchObject({
      status: 'rejected',
      field: 'data.amount',
      code: 'invalid_type',
      reason: 'data.amount: expected a finite number to convert',
    });
    engine.fold(event('refund.issued', T0, { amount: 10, currency: 'USD' }));
    engine.fold(event('refund.issued', T0, { amount: 1.5, currency: 'CNY' }));
    expect(engine.value('refunded', ORG, 'month')?.value).toBe(71.5);
    expect(engine.stats).toEqual({ ...NO_STATS, applied: 2, rejected: 2 });
  });

  it('an event timed past the receiver clock and its tolerance: at the bound it counts, a millisecond past not', () => {
    let calls = 0;
    const now = () => {
      calls++;
      return T0;
    };
    const engine = new IndicatorEngine([SOLVED], ORGS, { timeBound: { now, toleranceMs: 60_000 } });
    const { outcomes } = engine.foldBatch([solved(T0 + 60_000), solved(T0 + 60_001), solved(T0 - D)]);
    expect(calls).toBe(1); // the wall clock is read once a batch
    expect(outcomes).toEqual([
      { status: 'applied', tooLate: [] },
      {
        status: 'rejected',
        field: 'time',
        code: 'too_far_ahead',
        reason: `time: ${iso(T0 + 60_001)} is more than 60 s ahead of the receiver's clock (${iso(T0)})`,
        tooLate: [],
      },
      { status: 'applied', tooLate: [] },
    ]);
    expect(engine.value('solved', ORG, 'month')?.value).toBe(2);
    // a tick stops at the bound too
    engine.advanceTo(T0 + D);
    expect([engine.clock, engine.clockOf('O1'), engine.clockOf('O2')]).toEqual([T0 + 60_000, T0 + 60_000, T0 + 60_000]);
  });

  it('a conflict: the same id and source with other content, counted once; a repeat is a duplicate', () => {
    const engine = new IndicatorEngine([SOLVED], ORGS);
    const first = solved(T0, { contacts: 1 });
    expect(engine.fold(first).status).toBe('applied');
    expect(engine.fold({ ...first }).status).toBe('duplicate');
    expect(engine.fold({ ...first, data: { ...first.data, contacts: 2 } })).toEqual({
      status: 'rejected',
      field: 'id',
      code: 'conflict',
      reason: `id: ${first.id} of test was counted with other content; this delivery is not counted`,
      tooLate: [],
      changes: [],
      closed: [],
    });
    expect(engine.value('solved', ORG, 'month')?.value).toBe(1);
    expect(engine.stats).toEqual({ ...NO_STATS, applied: 1, duplicate: 1, rejected: 1 });
    expect(engine.dedupSize).toBe(1);
  });

  it('without dedup every delivery counts; with a memory of the caller, that memory decides', () => {
    const e = solved(T0);
    const none = new IndicatorEngine([SOLVED], ORGS, { dedup: false });
    none.fold(e);
    none.fold(e);
    expect([none.value('solved', ORG, 'month')?.value, none.dedupSize, none.snapshot().orgs[0]?.dedup]).toEqual([
      2,
      0,
      [],
    ]);

    const asked: string[] = [];
    const memory: KeyMemory = {
      remember: (owner, key, _fingerprint, timeMs): Sighting => {
        asked.push(`${owner} ${key} ${iso(timeMs)}`);
        return asked.length === 1 ? 'new' : 'duplicate';
      },
      forgetBefore: (owner, timeMs) => asked.push(`forget ${owner} ${iso(timeMs)}`),
      snapshot: (owner): DedupDay[] => [[1, [owner]]],
      restore: () => undefined,
      size: 42,
    };
    const engine = new IndicatorEngine([SOLVED_TODAY], ORGS, { dedup: memory });
    engine.fold(e);
    engine.fold(e);
    // forgotten by the org's clock less the horizon: a day and its hour of lateness, and the hour a DST day adds
    expect(asked).toEqual([
      `O1 ${idempotencyKey(e)} ${iso(T0)}`,
      `forget O1 ${iso(T0 - D - 2 * H)}`,
      `O1 ${idempotencyKey(e)} ${iso(T0)}`,
    ]);
    expect([engine.dedupSize, engine.snapshot().dedup, engine.snapshot().orgs[0]?.dedup]).toEqual([
      42,
      [[1, ['']]],
      [[1, ['O1']]],
    ]);
  });
});

describe('lateness by the horizon, and dedup forgetting by it', () => {
  it('an event older than the clock less the horizon is too late; one at the horizon still reaches its window', () => {
    const engine = new IndicatorEngine([SOLVED_TODAY], ORGS);
    engine.fold(solved(T0));
    const horizon = D + H + H; // the longest day (DST) and the allowed lateness
    expect(engine.fold(solved(T0 - horizon - 1))).toEqual({
      status: 'too-late',
      reason: 'older than every window and its allowed lateness',
      tooLate: [],
      changes: [],
      closed: [],
    });
    // at the horizon: past the horizon check, and its day's lateness has passed too
    const day = Date.parse('2026-03-09T00:00:00Z');
    expect(engine.fold(solved(T0 - horizon))).toMatchObject({
      status: 'applied',
      tooLate: [{ indicator: 'solved-today', window: 'day', periodStart: day }],
    });
    expect(engine.stats).toEqual({ ...NO_STATS, applied: 2, tooLate: 2 });
  });

  it("keys are forgotten once the org's clock is a horizon past their day, and kept in batch runs", () => {
    for (const ignoreLateness of [false, true]) {
      const engine = new IndicatorEngine([SOLVED_TODAY], ORGS, { ignoreLateness });
      const first = solved(T0);
      engine.fold(first);
      engine.fold(solved(T0 + D + 2 * H + D)); // the first's day is now a horizon past
      expect(engine.dedupSize).toBe(ignoreLateness ? 2 : 1);
      expect(engine.fold(first).status).toBe(ignoreLateness ? 'duplicate' : 'too-late');
    }
  });

  it('an idle tick forgets keys of version-1 snapshots by the floor less the horizon', () => {
    const engine = IndicatorEngine.restore([SOLVED_TODAY], ORGS, {
      version: 1,
      clockMs: T0,
      stats: NO_STATS,
      dedup: [[Math.floor(T0 / D), ['old@test']]],
      orgs: [],
    });
    expect(engine.dedupSize).toBe(1);
    const nextDay = Date.parse('2026-03-11T00:00:00Z');
    engine.advanceTo(nextDay + D + 2 * H - 1);
    expect(engine.dedupSize).toBe(1);
    engine.advanceTo(nextDay + D + 2 * H);
    expect(engine.dedupSize).toBe(0);
  });
});

describe('clocks', () => {
  it("each org's clock is its latest event time; the engine's clock the newest of them and the floor", () => {
    const engine = new IndicatorEngine([SOLVED], ORGS);
    expect([engine.clock, engine.clockOf('O1'), engine.clocks()]).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      {},
    ]);
    engine.fold(solved(T0 + H));
    engine.fold(solved(T0, { orgId: 'O2' }));
    engine.fold(solved(T0 - H)); // a late event moves no clock back
    expect([engine.clock, engine.clocks()]).toEqual([T0 + H, { O1: T0 + H, O2: T0 }]);
    engine.advanceTo(T0 + 30 * MIN);
    expect([engine.clock, engine.clocks(), engine.clockOf('O3')]).toEqual([
      T0 + H,
      { O1: T0 + H, O2: T0 + 30 * MIN },
      T0 + 30 * MIN,
    ]);
    engine.advanceTo(T0); // never back
    expect([engine.clock, engine.clockOf('O3')]).toEqual([T0 + H, T0 + 30 * MIN]);
    // a new org starts at the floor: an event before it is on time while within its window
    engine.fold(solved(T0, { orgId: 'O2', agentId: 'A2' }));
    expect(engine.clocks()).toEqual({ O1: T0 + H, O2: T0 + 30 * MIN });
  });

  it('a tick closes the periods it passes, and reports the rolling windows that decayed', () => {
    const engine = new IndicatorEngine([SOLVED], ORGS);
    const lastHour = APRIL - H;
    engine.fold(solved(lastHour));
    const closing = engine.advanceTo(APRIL);
    expect(sorted(closing.closed)).toEqual(
      sortedRows([
        ['solved', 'org', 'O1', 'month', MARCH, 1],
        ['solved', 'team', 'T1', 'month', MARCH, 1],
        ['solved', 'agent', 'A1', 'month', MARCH, 1],
      ]),
    );
    expect(closing.changes).toEqual([]);
    expect(engine.value('solved', ORG, 'month')).toEqual({
      indicator: 'solved',
      entity: ORG,
      window: 'month',
      periodStart: APRIL,
      periodEnd: Date.parse('2026-05-01T00:00:00Z'),
      value: 0,
      numerator: 0,
      denominator: null,
    });
    const decay = engine.advanceTo(lastHour + D);
    expect(brief(decay.changes)).toEqual([
      ['solved', 'org', 'O1', 'rolling:24h', lastHour + 15 * MIN, 0],
      ['solved', 'team', 'T1', 'rolling:24h', lastHour + 15 * MIN, 0],
      ['solved', 'agent', 'A1', 'rolling:24h', lastHour + 15 * MIN, 0],
    ]);
    expect(decay.closed).toEqual([]);
    // nothing more to decay
    expect(engine.advanceTo(lastHour + 2 * D)).toEqual({ changes: [], closed: [] });
  });

  it('a fold that moves the clock past a period reports it closed, and not among its changes', () => {
    const engine = new IndicatorEngine([SOLVED], ORGS);
    const { changes, closed } = engine.foldBatch([solved(APRIL - MIN), solved(APRIL, { agentId: 'A2' })]);
    expect(sorted(closed)).toEqual(
      sortedRows([
        ['solved', 'org', 'O1', 'month', MARCH, 1],
        ['solved', 'team', 'T1', 'month', MARCH, 1],
        ['solved', 'agent', 'A1', 'month', MARCH, 1],
      ]),
    );
    const rollingStart = APRIL - D + 15 * MIN;
    expect(brief(changes)).toEqual([
      ['solved', 'org', 'O1', 'rolling:24h', rollingStart, 2],
      ['solved', 'team', 'T1', 'rolling:24h', rollingStart, 2],
      ['solved', 'agent', 'A1', 'rolling:24h', rollingStart, 1],
      ['solved', 'agent', 'A2', 'rolling:24h', rollingStart, 1],
      ['solved', 'org', 'O1', 'month', APRIL, 1],
      ['solved', 'team', 'T1', 'month', APRIL, 1],
      ['solved', 'agent', 'A2', 'month', APRIL, 1],
    ]);
  });

  it('in batch runs no period closes', () => {
    const engine = new IndicatorEngine([SOLVED], ORGS, { ignoreLateness: true });
    engine.fold(solved(APRIL - MIN));
    expect(engine.advanceTo(APRIL + D).closed).toEqual([]);
    expect(engine.fold(solved(MARCH)).tooLate).toEqual([]);
    expect(engine.value('solved', ORG, 'month')?.value).toBe(0);
    expect(engine.snapshot().orgs[0]?.entities[0]?.indicators[0]?.windows?.[1]).toMatchObject({
      periods: [{ start: MARCH, num: 2 }],
    });
  });
});

describe('the restatement window', () => {
  it('keeps a week-or-longer period of a terms indicator open after its lateness; a day, and a lifecycle indicator, not', () => {
    const SOLVED_DAILY = indicator('solved-daily', SOLVED.measure, { windows: ['day', 'month'] });
    const engine = new IndicatorEngine([SOLVED_DAILY, FIRST_REPLY], ORGS, { restatementMs: 3 * D });
    engine.fold(solved(APRIL - MIN, { teamId: undefined, agentId: undefined }));
    engine.fold(event('ticket.created', APRIL - MIN, { ticketId: 'k0' }));
    engine.advanceTo(APRIL + 2 * D);
    // two days after March's end (its lateness is 0): the month still takes it, its day does not
    const late = engine.fold(solved(MARCH + D, { teamId: undefined, agentId: undefined }));
    expect(late.tooLate).toEqual([{ indicator: 'solved-daily', window: 'day', periodStart: MARCH + D }]);
    expect(brief(late.changes)).toEqual([['solved-daily', 'org', 'O1', 'month', MARCH, 2]]);
    // a lifecycle indicator decides its pairs at its lateness: nothing after it
    expect(engine.fold(event('ticket.created', MARCH + D, { ticketId: 'k1' })).tooLate).toEqual([
      { indicator: 'sla', window: 'month', periodStart: MARCH },
    ]);
    // the window's end closes the month with the late event in it; later, it is too late
    expect(brief(engine.advanceTo(APRIL + 3 * D).closed)).toContainEqual([
      'solved-daily',
      'org',
      'O1',
      'month',
      MARCH,
      2,
    ]);
    expect(engine.fold(solved(MARCH + D, { teamId: undefined, agentId: undefined })).tooLate).toContainEqual({
      indicator: 'solved-daily',
      window: 'month',
      periodStart: MARCH,
    });
  });
});

describe('a batch', () => {
  it('one outcome per event, each changed value once as it stands after the batch; times as given', () => {
    const engine = new IndicatorEngine([SOLVED], ORGS);
    const a = solved(T0);
    const { outcomes, changes, closed } = engine.foldBatch(
      [a, solved(T0 + MIN), event('ticket.opened', T0), a],
      [T0, APRIL + H, T0, T0],
    );
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'ignored', 'duplicate']);
    expect(sorted(closed)).toEqual(
      sortedRows([
        ['solved', 'org', 'O1', 'month', MARCH, 1],
        ['solved', 'team', 'T1', 'month', MARCH, 1],
        ['solved', 'agent', 'A1', 'month', MARCH, 1],
      ]),
    );
    const rollingStart = APRIL + H - D + 15 * MIN;
    expect(brief(changes)).toEqual([
      ['solved', 'org', 'O1', 'rolling:24h', rollingStart, 1],
      ['solved', 'team', 'T1', 'rolling:24h', rollingStart, 1],
      ['solved', 'agent', 'A1', 'rolling:24h', rollingStart, 1],
      ['solved', 'org', 'O1', 'month', APRIL, 1],
      ['solved', 'team', 'T1', 'month', APRIL, 1],
      ['solved', 'agent', 'A1', 'month', APRIL, 1],
    ]);
    expect(engine.stats).toEqual({ ...NO_STATS, applied: 2, ignored: 1, duplicate: 1 });
  });

  it('without change reports (a batch run) it answers no changes, yet closes and holds the same values', () => {
    const events = [solved(T0), solved(T0 + MIN, { agentId: 'A2' }), solved(APRIL + H)];
    const times = [T0, T0 + MIN, APRIL + H];
    const reporting = new IndicatorEngine([SOLVED, VISITORS], ORGS);
    const quiet = new IndicatorEngine([SOLVED, VISITORS], ORGS, { reportChanges: false });
    const loud = reporting.foldBatch(events, times);
    const silent = quiet.foldBatch(events, times);
    expect(loud.changes.length).toBeGreaterThan(0);
    expect(silent.changes).toEqual([]);
    expect(silent.closed.length).toBeGreaterThan(0);
    expect(sorted(silent.closed)).toEqual(sorted(loud.closed));
    expect(quiet.fold(solved(APRIL + 2 * H), APRIL + 2 * H).changes).toEqual([]);
    reporting.fold(solved(APRIL + 2 * H), APRIL + 2 * H);
    expect(sorted(quiet.values())).toEqual(sorted(reporting.values()));
  });

  it('an event no indicator counts is ignored, and so is one whose fields leave it out', () => {
    const engine = new IndicatorEngine([REFUNDED], ORGS);
    expect(engine.fold(event('ticket.solved', T0)).status).toBe('ignored');
    expect(engine.fold(event('refund.issued', T0, { amount: 'none' })).status).toBe('ignored');
    expect(engine.fold(event('refund.issued', T0, { amount: 0 })).status).toBe('applied');
    expect(engine.stats).toEqual({ ...NO_STATS, applied: 1, ignored: 2 });
  });
});

describe('reading', () => {
  it('an entity, window or indicator it does not hold', () => {
    const engine = new IndicatorEngine([SOLVED, REFUNDED], ORGS);
    expect(engine.value('solved', ORG, 'month')).toBeUndefined(); // no org state yet
    engine.fold(solved(T0));
    expect(engine.value('nope', ORG, 'month')).toBeUndefined();
    expect(engine.value('solved', ORG, 'rolling:7d')).toBeUndefined();
    expect(engine.value('solved', ref('org', 'O2', 'O2'), 'month')).toBeUndefined();
    // an entity without state: nothing counted, over the window as of its org's clock
    const bucket = 15 * MIN;
    expect(engine.value('solved', ref('agent', 'A9'), 'rolling:24h')).toEqual({
      indicator: 'solved',
      entity: ref('agent', 'A9'),
      window: 'rolling:24h',
      periodStart: (Math.floor(T0 / bucket) - 95) * bucket,
      periodEnd: T0,
      value: 0,
      numerator: 0,
      denominator: null,
    });
    expect(engine.value('solved', ref('team', 'T9'), 'month')).toMatchObject({
      periodStart: MARCH,
      periodEnd: APRIL,
      value: 0,
    });
    // the org holds no state of an indicator no event reached
    expect(engine.value('refunded', ORG, 'month')).toMatchObject({ periodStart: MARCH, value: 0 });
    expect(engine.values().map((v) => [v.indicator, v.entity.level, v.window])).toEqual([
      ['solved', 'org', 'rolling:24h'],
      ['solved', 'org', 'month'],
      ['solved', 'team', 'rolling:24h'],
      ['solved', 'team', 'month'],
      ['solved', 'agent', 'rolling:24h'],
      ['solved', 'agent', 'month'],
    ]);
  });

  it('the entities of a level, of every org or of one', () => {
    const engine = new IndicatorEngine([SOLVED], ORGS);
    engine.fold(solved(T0, { teamId: 'T2', agentId: 'A2' }));
    engine.fold(solved(T0, { orgId: 'O2', teamId: 'T1', agentId: 'A1' }));
    engine.fold(solved(T0, { teamId: undefined, agentId: 'A3' }));
    expect(engine.entities('org')).toEqual([ref('org', 'O1'), ref('org', 'O2', 'O2')]);
    expect(engine.entities('agent', 'O1')).toEqual([ref('agent', 'A2'), ref('agent', 'A3')]);
    expect(engine.entities('team')).toEqual([ref('team', 'T2'), ref('team', 'T1', 'O2')]);
    expect(engine.entities('org', 'O2')).toEqual([ref('org', 'O2', 'O2')]);
  });
});

describe('parking, for the live pipeline only', () => {
  it('batch runs park no keys and no values', () => {
    const engine = new IndicatorEngine([FIRST_REPLY, VISITORS], ORGS, {
      ignoreLateness: true,
      valueParking: { isMember: () => false },
    });
    engine.fold(event('ticket.created', T0, { ticketId: 't1' }));
    engine.fold(event('ticket.replied', T0 + 1000, { ticketId: 't1' }));
    engine.fold(event('crm.inquiry.received', T0, { visitorId: 'v1' }));
    expect(engine.park(0)).toEqual([]);
    expect(engine.parkValues()).toEqual([]);
  });

  it('the keys and values a batch names that memory does not hold, for events it would take', () => {
    const engine = new IndicatorEngine([FIRST_REPLY, VISITORS], ORGS, { valueParking: { isMember: () => false } });
    engine.fold(event('ticket.created', T0, { ticketId: 't1' }));
    const replies = [
      event('ticket.replied', T0, { ticketId: 't1' }),
      event('ticket.replied', T0, { ticketId: 't2' }),
      event('ticket.replied', T0, { ticketId: 't3', orgId: 7 }),
      event('ticket.replied', T0, { ticketId: 't4', orgId: 'O2' }),
    ];
    expect(engine.journeyRefs(replies)).toEqual([
      { org: 'O1', indicator: 'sla', key: 't2' },
      { org: 'O2', indicator: 'sla', key: 't4' },
    ]);
    expect(engine.journeyClocks()).toEqual([{ org: 'O1', indicator: 'sla', clockMs: T0 }]);
    const inquiries = [
      event('crm.inquiry.received', T0, { visitorId: 'v1' }),
      event('crm.inquiry.received', T0, { visitorId: 'v2', orgId: 'O9' }),
      event('crm.inquiry.received', T0, { visitorId: 'v3', orgId: 7 }),
      event('crm.inquiry.received', T0, { visitorId: 'v4', currency: 'EUR', amount: 1 }),
      event('crm.inquiry.received', T0, { visitorId: 'v5', currency: 'USD', amount: 1 }),
    ];
    expect(engine.valueRefs(inquiries)).toEqual([
      { org: 'O1', indicator: 'visitors', side: 'num', value: 'v1' },
      { org: 'O1', indicator: 'visitors', side: 'num', value: 'v5' },
    ]);
  });
});

describe('snapshots', () => {
  it('of an engine that folded nothing', () => {
    expect(new IndicatorEngine([SOLVED], ORGS).snapshot()).toEqual({
      version: 2,
      floorMs: null,
      stats: NO_STATS,
      dedup: [],
      orgs: [],
    });
  });

  it('round-trips the clocks, the floor, the stats and the keys', () => {
    const engine = new IndicatorEngine([SOLVED], ORGS);
    const e = solved(T0);
    engine.fold(e);
    engine.fold(solved(T0 + H, { orgId: 'O2' }));
    engine.advanceTo(T0 + 30 * MIN);
    const snap = engine.snapshot();
    expect(snap).toMatchObject({
      floorMs: T0 + 30 * MIN,
      orgs: [
        { id: 'O1', clockMs: T0 + 30 * MIN, dedup: [[Math.floor(T0 / D), [idempotencyKey(e)], [expect.any(Number)]]] },
        { id: 'O2', clockMs: T0 + H },
      ],
    });
    const back = IndicatorEngine.restore([SOLVED], ORGS, JSON.parse(JSON.stringify(snap)) as EngineSnapshot);
    expect(back.snapshot()).toEqual(snap);
    expect([back.clocks(), back.clockOf('O3'), back.stats.applied]).toEqual([
      { O1: T0 + 30 * MIN, O2: T0 + H },
      T0 + 30 * MIN,
      2,
    ]);
    expect(back.fold(e).status).toBe('duplicate');
    // periods restored are closed on time
    expect(sorted(back.advanceTo(APRIL).closed)).toEqual(
      sortedRows([
        ['solved', 'org', 'O1', 'month', MARCH, 1],
        ['solved', 'team', 'T1', 'month', MARCH, 1],
        ['solved', 'agent', 'A1', 'month', MARCH, 1],
        ['solved', 'org', 'O2', 'month', MARCH_O2, 1],
        ['solved', 'team', 'T1', 'month', MARCH_O2, 1],
        ['solved', 'agent', 'A1', 'month', MARCH_O2, 1],
      ]),
    );
  });

  it('an org without a clock restores without one', () => {
    const engine = IndicatorEngine.restore([SOLVED], ORGS, {
      version: 2,
      floorMs: null,
      stats: NO_STATS,
      dedup: [],
      orgs: [{ id: 'O1', clockMs: null, dedup: [], entities: [] }],
    });
    expect([engine.clocks(), engine.clock, engine.entities('org')]).toEqual([{}, Number.NEGATIVE_INFINITY, [ORG]]);
    expect(engine.snapshot().orgs).toEqual([
      {
        id: 'O1',
        clockMs: null,
        dedup: [],
        invoices: [],
        journeys: [],
        entities: [{ level: 'org', id: 'O1', indicators: [] }],
      },
    ]);
  });

  it('refuses a version it does not know and an org the definitions no longer allow', () => {
    const bad = { version: 3, floorMs: null, stats: NO_STATS, dedup: [], orgs: [] } as unknown as EngineSnapshot;
    expect(() => IndicatorEngine.restore([SOLVED], ORGS, bad)).toThrow('unsupported engine snapshot version 3');
    const gone: EngineSnapshot = {
      version: 2,
      floorMs: null,
      stats: NO_STATS,
      dedup: [],
      orgs: [{ id: 'O7', clockMs: T0, dedup: [], entities: [] }],
    };
    expect(() => IndicatorEngine.restore([SOLVED], ORGS, gone)).toThrow(
      'snapshot holds org O7, which the definitions no longer allow',
    );
  });

  it('reads version 1: one clock for every org, its keys of unknown org kept as repeats', () => {
    const e = solved(T0);
    const v1: EngineSnapshotV1 = {
      version: 1,
      clockMs: T0,
      stats: { ...NO_STATS, applied: 1 },
      dedup: [[Math.floor(T0 / D), [idempotencyKey(e)]]],
      orgs: [
        { id: 'O1', entities: [] },
        { id: 'O2', entities: [] },
      ],
    };
    const engine = IndicatorEngine.restore([SOLVED], ORGS, v1);
    expect([engine.clocks(), engine.clockOf('O3'), engine.stats.applied]).toEqual([{ O1: T0, O2: T0 }, T0, 1]);
    expect(engine.fold(e).status).toBe('duplicate');
    expect(engine.snapshot()).toMatchObject({
      floorMs: T0,
      dedup: [[Math.floor(T0 / D), [idempotencyKey(e)], [-1]]],
    });
  });

  it("drops what an indicator no longer defined held, and a lifecycle book of an indicator that isn't one", () => {
    const engine = new IndicatorEngine([SOLVED, FIRST_REPLY], ORGS);
    engine.fold(solved(T0));
    engine.fold(event('ticket.created', T0, { ticketId: 't1' }));
    const snap = engine.snapshot();
    // the same ids, other kinds: sla is now a count
    const renamed = indicator('sla', SOLVED.measure, { windows: ['month'] });
    const back = IndicatorEngine.restore([renamed], ORGS, snap);
    expect(back.snapshot().orgs[0]?.journeys).toEqual([]);
    expect(back.value('sla', ORG, 'month')?.value).toBe(0);
    expect(back.values()).toEqual([]);
  });

  it('a restored clock beyond the time bound is set back to it, with the rolling buckets ahead of it', () => {
    const ahead = new IndicatorEngine([SOLVED], ORGS);
    ahead.fold(solved(T0));
    ahead.fold(solved(T0 + 2 * H));
    ahead.advanceTo(T0 + 3 * H);
    const bound = { now: () => T0, toleranceMs: 60_000 };
    const back = IndicatorEngine.restore([SOLVED], ORGS, ahead.snapshot(), { timeBound: bound });
    expect([back.clock, back.clockOf('O1'), back.clockOf('O2')]).toEqual([T0 + 60_000, T0 + 60_000, T0 + 60_000]);
    expect(back.value('solved', ORG, 'rolling:24h')?.value).toBe(1);
    expect(back.value('solved', ORG, 'month')?.value).toBe(2); // calendar periods keep what was ahead
    // under the bound, nothing is set back
    const kept = IndicatorEngine.restore([SOLVED], ORGS, ahead.snapshot(), {
      timeBound: { now: () => T0 + 3 * H, toleranceMs: 0 },
    });
    expect([kept.clock, kept.value('solved', ORG, 'rolling:24h')?.value]).toEqual([T0 + 3 * H, 2]);
  });
});
