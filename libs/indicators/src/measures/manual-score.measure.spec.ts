import { describe, expect, it } from 'vitest';
import type { IndicatorDef, OrgSettings } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorEngine } from '../indicator-engine';
import type { EntityRef } from '../indicator-value';

const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: {} }];
const TRAINING: IndicatorDef = {
  id: 'training',
  version: 1,
  name: { en: 'training', zh: 'training' },
  description: 'training',
  unit: 'points',
  levels: ['agent', 'team', 'org'],
  windows: ['month', 'quarter'],
  allowedLatenessMs: 0,
  measure: { kind: 'manual', scale: [0, 100], reviewers: ['trainer'] },
};

// 2026-03-10 in Shanghai: March, the first quarter
const MARCH = '2026-03-10T10:00:00+08:00';

let n = 0;
const score = (value: unknown, who: Record<string, string> = {}, time = MARCH, id = `e${++n}`): CanonicalEvent => ({
  specversion: '1.0',
  id,
  source: 'hr/test',
  type: 'kpi.manual_score',
  time,
  data: { orgId: 'O1', indicator: 'training', value, reviewerId: 'trainer', ...who },
});

const org: EntityRef = { level: 'org', id: 'O1', orgId: 'O1' };
const team: EntityRef = { level: 'team', id: 'T1', orgId: 'O1' };
const agent: EntityRef = { level: 'agent', id: 'A1', orgId: 'O1' };

function engineWith(options: ConstructorParameters<typeof IndicatorEngine>[2], ...events: CanonicalEvent[]) {
  const engine = new IndicatorEngine([TRAINING], ORGS, options);
  for (const e of events) engine.fold(e);
  return engine;
}

const valueOf = (engine: IndicatorEngine, entity: EntityRef, window: 'month' | 'quarter' = 'month') =>
  engine.value('training', entity, window)?.value;

describe('manual scores', () => {
  it('score the deepest entity the event names, only that one', () => {
    const engine = engineWith({}, score(80, { teamId: 'T1', agentId: 'A1' }), score(60, { teamId: 'T1' }), score(40));
    expect([valueOf(engine, agent), valueOf(engine, team), valueOf(engine, org)]).toEqual([80, 60, 40]);
  });

  it('read as a number with the score as numerator and no denominator, null before any', () => {
    const engine = engineWith({}, score(70, { agentId: 'A1' }));
    expect(engine.value('training', agent, 'month')).toMatchObject({
      value: 70,
      numerator: 70,
      denominator: null,
      periodStart: Date.parse('2026-03-01T00:00:00+08:00'),
      periodEnd: Date.parse('2026-04-01T00:00:00+08:00'),
    });
    expect(engineWith({}).value('training', org, 'month')?.value ?? null).toBeNull();
  });

  it('keep the latest score of a period by event time, whatever the arrival order', () => {
    const later = score(90, {}, '2026-03-12T10:00:00+08:00');
    const earlier = score(50, {}, '2026-03-11T10:00:00+08:00');
    expect(valueOf(engineWith({}, later, earlier), org)).toBe(90);
    expect(valueOf(engineWith({}, earlier, later), org)).toBe(90);
  });

  it('break a tie in time by the larger idempotency key', () => {
    const a = score(10, {}, MARCH, 'a');
    const b = score(20, {}, MARCH, 'b');
    expect(valueOf(engineWith({}, a, b), org)).toBe(20);
    expect(valueOf(engineWith({}, b, a), org)).toBe(20);
  });

  it('hold a score per period of each window: a new month starts empty, the quarter keeps the latest', () => {
    const engine = engineWith({}, score(30), score(40, {}, '2026-02-10T10:00:00+08:00'));
    expect([valueOf(engine, org), valueOf(engine, org, 'quarter')]).toEqual([30, 30]);
    engine.fold(score(55, {}, '2026-04-02T10:00:00+08:00'));
    expect([valueOf(engine, org), valueOf(engine, org, 'quarter')]).toEqual([55, 55]);
  });

  it('refuse a score out of scale, of another reviewer or of an unknown indicator', () => {
    const engine = engineWith({});
    expect(engine.fold(score(101)).status).toBe('rejected');
    expect(engine.fold({ ...score(50), data: { ...score(50).data, reviewerId: 'boss' } }).status).toBe('rejected');
    expect(engine.fold({ ...score(50), data: { ...score(50).data, indicator: 'nope' } }).status).toBe('rejected');
    expect(engine.stats.rejected).toBe(3);
    expect(valueOf(engine, org) ?? null).toBeNull();
  });

  it('a score for a period that has closed is too late, per window', () => {
    // the clock in April: March and the first quarter have closed
    const engine = engineWith({}, score(30, {}, '2026-04-02T10:00:00+08:00'));
    const late = engine.fold(score(80));
    expect(late.tooLate.map((t) => t.window)).toEqual(['month', 'quarter']);
    expect([valueOf(engine, org), valueOf(engine, org, 'quarter')]).toEqual([30, 30]);
    // batch runs close nothing: the same score is applied
    const batch = engineWith({ ignoreLateness: true }, score(30, {}, '2026-04-02T10:00:00+08:00'));
    expect(batch.fold(score(80))).toMatchObject({ status: 'applied', tooLate: [] });
  });

  it('come back from a snapshot, each period with its score and tie', () => {
    const engine = engineWith({}, score(30, { agentId: 'A1' }, MARCH, 'm'));
    const restored = IndicatorEngine.restore([TRAINING], ORGS, engine.snapshot());
    expect(valueOf(restored, agent)).toBe(30);
    restored.fold(score(35, { agentId: 'A1' }, MARCH, 'a')); // same time, smaller key: the restored tie holds
    expect(valueOf(restored, agent)).toBe(30);
    restored.fold(score(45, { agentId: 'A1' }, MARCH, 'z'));
    expect(valueOf(restored, agent)).toBe(45);
  });
});

describe('manual scores over time', () => {
  it('close with their month, giving the final score, also after a restore', () => {
    const april = Date.parse('2026-04-01T00:00:00+08:00');
    const engine = engineWith({}, score(70));
    const restored = IndicatorEngine.restore([TRAINING], ORGS, engine.snapshot());
    for (const e of [engine, restored]) {
      const { closed } = e.advanceTo(april);
      expect(closed.map((v) => `${v.window} ${v.periodStart} ${v.value}`)).toEqual([
        `month ${Date.parse('2026-03-01T00:00:00+08:00')} 70`,
        `quarter ${Date.parse('2026-01-01T00:00:00+08:00')} 70`,
      ]);
      expect(valueOf(e, org) ?? null).toBeNull();
      expect(e.advanceTo(april + 1).closed).toEqual([]);
    }
  });

  it('are kept only at the levels the indicator is computed at', () => {
    const engine = new IndicatorEngine([{ ...TRAINING, levels: ['agent'] }], ORGS);
    engine.fold(score(60, { teamId: 'T1' }));
    engine.fold(score(80, { teamId: 'T1', agentId: 'A1' }));
    expect(engine.values().map((v) => `${v.entity.level} ${v.window} ${v.value}`)).toEqual([
      'agent month 80',
      'agent quarter 80',
    ]);
  });

  it('are dropped at a restore when the indicator’s windows changed', () => {
    const snapshot = engineWith({}, score(70)).snapshot();
    for (const windows of [['month'], ['quarter', 'month'], ['month', 'year']] as const) {
      const restored = IndicatorEngine.restore([{ ...TRAINING, windows: [...windows] }], ORGS, snapshot);
      expect(restored.values().filter((v) => v.value !== null)).toEqual([]);
    }
  });
});

describe('manual scores, edges', () => {
  it('read null, not 0, for an entity that has no score of the indicator', () => {
    const engine = engineWith({}, score(80, { teamId: 'T1', agentId: 'A1' }));
    // the team exists (the score named it) but was not scored
    const v = engine.value('training', team, 'month');
    expect([v?.value, v?.numerator, v?.denominator]).toStrictEqual([null, null, null]);
  });

  it('take no rolling window (the definitions refuse one): only the calendar windows hold the score', () => {
    const engine = new IndicatorEngine([{ ...TRAINING, windows: ['rolling:24h', 'month'] }], ORGS);
    expect(engine.fold(score(80)).status).toBe('applied');
    expect(valueOf(engine, org)).toBe(80);
  });

  it('forget a period once it closed: a checkpoint taken after holds only the open ones', () => {
    const engine = engineWith({}, score(70));
    engine.advanceTo(Date.parse('2026-04-01T00:00:00+08:00'));
    const periods = engine
      .snapshot()
      .orgs.flatMap((o) => o.entities)
      .flatMap((e) => e.indicators)
      .flatMap((i) => i.windows ?? [])
      .map((w) => `${w.window} ${'periods' in w ? w.periods.length : '-'}`);
    expect(periods).toEqual(['month 0', 'quarter 0']);
  });

  it('are dropped at a restore into more windows than the checkpoint holds', () => {
    const snapshot = new IndicatorEngine([{ ...TRAINING, windows: ['month'] }], ORGS);
    snapshot.fold(score(70));
    const restored = IndicatorEngine.restore([TRAINING], ORGS, snapshot.snapshot());
    expect(restored.values().filter((v) => v.value !== null)).toEqual([]);
  });
});
