import { afterEach, describe, expect, it } from 'vitest';
import { combineDefinitions, parseDefinitionDocument } from '#libs/definitions';
import type { EntityRef, IndicatorValue } from '#libs/indicators';
import { periodOfInstant } from '#libs/time';
import { sampleDocument } from '../../definitions/src/sample-definitions.fixture';
import { DefinitionsRegistry } from './definitions-registry';
import type { ScoredBatch } from './feeds';
import type { Rejection } from './ingest';
import type { ScoredCard } from './rescore';
import { fakeMetrics, until } from './runner-test-support';
import { ScoringRunner, type ScorecardStore, type StoredValues } from './scoring-runner';

const definitions = combineDefinitions([parseDefinitionDocument(sampleDocument(), 'sample.json')]).set;
const clock = Date.parse('2026-11-15T04:00:00Z');
const month = periodOfInstant('month', 'Asia/Shanghai', clock);
const team = (id: string, orgId = 'O1'): EntityRef => ({ level: 'team', id, orgId });
const fcr = (id: string, value: number, orgId = 'O1'): IndicatorValue => ({
  indicator: 'support.fcr',
  entity: team(id, orgId),
  window: 'month',
  periodStart: month.start,
  periodEnd: month.end,
  value,
  numerator: value,
  denominator: 1,
});

const transient = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

class FakeValues implements StoredValues {
  stored: IndicatorValue[] = [fcr('T2', 0.7)];
  failures: Error[] = [];
  entities(): Promise<EntityRef[]> {
    return Promise.resolve(this.stored.map((v) => v.entity));
  }
  valuesOf(entities: readonly EntityRef[]): Promise<IndicatorValue[]> {
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    return Promise.resolve(
      this.stored.filter((v) => entities.some((e) => e.id === v.entity.id && e.orgId === v.entity.orgId)),
    );
  }
}

class FakeScorecards implements ScorecardStore {
  saves: { cards: readonly ScoredCard[]; outbox?: { updates?: ScoredBatch } }[] = [];
  failures: Error[] = [];
  save(cards: readonly ScoredCard[], outbox?: { updates?: ScoredBatch }): Promise<void> {
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    this.saves.push(outbox === undefined ? { cards } : { cards, outbox });
    return Promise.resolve();
  }
}

const runners: ScoringRunner[] = [];
afterEach(async () => {
  for (const r of runners.splice(0)) await r.stop();
});

function setup(mode: 'send' | 'outbox' = 'send', registry = new DefinitionsRegistry(definitions)) {
  const values = new FakeValues();
  const scorecards = new FakeScorecards();
  const sent: ScoredBatch[] = [];
  const dead: Rejection[] = [];
  const metrics = fakeMetrics();
  const runner = new ScoringRunner({
    registry,
    values,
    scorecards,
    updates: mode === 'send' ? { kind: 'send', send: (b) => Promise.resolve(void sent.push(b)) } : { kind: 'outbox' },
    deadLetters: { record: (r) => Promise.resolve(void dead.push(...r)) },
    metrics,
    logger: { error: () => undefined, warn: () => undefined },
    coalesceMs: 5,
    retryMs: 1,
  });
  runners.push(runner);
  return { runner, values, scorecards, sent, dead, metrics };
}

const entitiesOf = (cards: readonly ScoredCard[]) => cards.map((c) => c.entity.id).sort();

describe('ScoringRunner', () => {
  it('scores changes received together in one round; the first round scores every stored entity too', async () => {
    const { runner, sent, scorecards } = setup();
    runner.receive({ changes: [fcr('T1', 0.6)], clock, offset: 1 });
    runner.receive({ changes: [fcr('T1', 0.8)], clock, offset: 2, acceptedAt: 10 });
    await until(() => scorecards.saves.length === 1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ offset: 2, acceptedAt: 10 });
    expect(entitiesOf(sent[0]?.cards ?? [])).toEqual(['T1', 'T2']);
    const t1 = sent[0]?.cards.find((c) => c.entity.id === 'T1');
    expect(t1?.score.kpis.find((k) => k.kpi === 'fcr')?.actual).toBe(0.8); // the newest value of the round

    runner.receive({ changes: [fcr('T1', 0.9)], clock, offset: 3 });
    await until(() => scorecards.saves.length === 2);
    expect(entitiesOf(sent[1]?.cards ?? [])).toEqual(['T1']); // caught up: only what changed
  });

  it("re-scores every entity of an org once its clock moved an hour on, so an idle team's pace stays current", async () => {
    const { runner, sent, scorecards } = setup();
    runner.receive({ changes: [fcr('T1', 0.6)], clock, offset: 1 });
    await until(() => scorecards.saves.length === 1);
    runner.receive({ changes: [fcr('T1', 0.7)], clock: clock + 59 * 60_000, offset: 2 });
    await until(() => scorecards.saves.length === 2);
    expect(entitiesOf(sent[1]?.cards ?? [])).toEqual(['T1']);
    runner.receive({ changes: [fcr('T1', 0.8)], clock: clock + 60 * 60_000, offset: 3 });
    await until(() => scorecards.saves.length === 3);
    expect(entitiesOf(sent[2]?.cards ?? [])).toEqual(['T1', 'T2']); // T2 has not changed, its clock has
    runner.receive({ changes: [fcr('T1', 0.9)], clock: clock + 61 * 60_000, offset: 4 });
    await until(() => scorecards.saves.length === 4);
    expect(entitiesOf(sent[3]?.cards ?? [])).toEqual(['T1']);
  });

  it('re-scores a period a change shows closed as closed: no pace, the full target, its values still held', async () => {
    const { runner, sent, scorecards } = setup();
    const complaints = (value: number): IndicatorValue => ({
      ...fcr('T1', value),
      indicator: 'support.complaints',
      numerator: value,
      denominator: null,
    });
    runner.receive({ changes: [fcr('T1', 0.6), complaints(1)], clock, offset: 1 });
    await until(() => scorecards.saves.length === 1);
    const open = sent[0]?.cards.find((c) => c.entity.id === 'T1');
    expect(open?.score.kpis.find((k) => k.kpi === 'complaints')?.pace?.scoredOn).toBe('target');

    // December 2 in Shanghai: November's final count arrives with the clock past its end
    const december = Date.parse('2026-12-02T04:00:00Z');
    runner.receive({ changes: [complaints(2)], clock: december, offset: 2 });
    await until(() => scorecards.saves.length === 2);
    const t1 = (sent[1]?.cards ?? []).filter((c) => c.entity.id === 'T1');
    expect(t1.map((c) => c.periodStart)).toEqual([month.start, month.end]); // the closed one first
    const closed = t1[0]?.score.kpis;
    expect(closed?.find((k) => k.kpi === 'complaints')).toMatchObject({ actual: 2, score: 80 });
    expect(closed?.find((k) => k.kpi === 'complaints')?.pace).toBeUndefined();
    expect(closed?.find((k) => k.kpi === 'fcr')?.actual).toBe(0.6); // November's FCR, still held

    // a month later November is let go: its changes re-score only the current card
    runner.receive({ changes: [complaints(3)], clock: Date.parse('2027-01-02T04:00:00Z'), offset: 3 });
    await until(() => scorecards.saves.length === 3);
    expect((sent[2]?.cards ?? []).map((c) => c.periodStart)).not.toContain(month.start);
  });

  it("scores an org at its own clock, and at a tick's clock once a tick moved every org there", async () => {
    const { runner, sent, scorecards } = setup();
    const later = Date.parse('2026-12-02T04:00:00Z'); // another org's clock, in December already
    runner.receive({ changes: [fcr('T1', 0.6)], clock: later, clocks: { O1: clock, O2: later }, offset: 1 });
    await until(() => scorecards.saves.length === 1);
    const t1 = sent[0]?.cards.find((c) => c.entity.id === 'T1');
    expect(t1?.periodStart).toBe(month.start); // O1's November, not O2's December

    // a tick (no per-org clocks) moved every org to its clock: O1 is in December now
    runner.receive({ changes: [{ ...fcr('T1', 0.7), periodStart: month.end }], clock: later, offset: 2 });
    await until(() => scorecards.saves.length === 2);
    expect(sent[1]?.cards.find((c) => c.entity.id === 'T1')?.periodStart).toBe(month.end);
  });

  it('retries a write that fails for a moment, and stores the cards once the database is back', async () => {
    const { runner, scorecards, dead, metrics } = setup();
    scorecards.failures.push(transient, transient);
    runner.receive({ changes: [fcr('T1', 0.6)], clock, offset: 1 });
    await until(() => scorecards.saves.length === 1);
    expect(dead).toEqual([]);
    expect(metrics.values.scoringRetries).toEqual([
      { labels: { what: 'store' }, value: 1 },
      { labels: { what: 'store' }, value: 1 },
    ]);
  });

  it('dead-letters a round that fails for good, with its reason, and scores the next one', async () => {
    const { runner, values, sent, dead, metrics } = setup();
    values.failures.push(new TypeError('a bug'));
    runner.receive({ changes: [fcr('T1', 0.6)], clock, offset: 1 });
    await until(() => dead.length === 1);
    expect(dead[0]).toMatchObject({ source: 'scoring-service', code: 'round_failed', reason: 'round_failed: a bug' });
    expect(JSON.parse(dead[0]?.payload ?? '{}')).toMatchObject({ entities: [team('T1')] });
    expect(metrics.values.rejectedByCode).toEqual([{ labels: { stage: 'scoring', code: 'round_failed' }, value: 1 }]);
    runner.receive({ changes: [fcr('T1', 0.7)], clock, offset: 2 });
    await until(() => sent.length === 1);
  });

  it('through the outbox writes the cards with the message for the gateways, and sends nothing', async () => {
    const { runner, scorecards, sent } = setup('outbox');
    runner.receive({ changes: [fcr('T1', 0.6)], clock, offset: 4 });
    await until(() => scorecards.saves.length === 1);
    expect(sent).toEqual([]);
    expect(scorecards.saves[0]?.outbox?.updates?.offset).toBe(4);
    expect(entitiesOf(scorecards.saves[0]?.outbox?.updates?.cards ?? [])).toEqual(['T1', 'T2']);
  });

  it('reads a count with no row as 0 (nothing counted), as evaluate does, and a ratio with none as no data', async () => {
    const { runner, sent } = setup();
    runner.receive({ changes: [fcr('T1', 0.6)], clock, offset: 1 });
    await until(() => sent.length === 1);
    const t2 = sent[0]?.cards.find((c) => c.entity.id === 'T2');
    const actual = (kpi: string) => t2?.score.kpis.find((k) => k.kpi === kpi)?.actual;
    expect(actual('complaints')).toBe(0); // support.complaints: a count, no row for T2
    expect(actual('fcr')).toBe(0.7);
  });

  it('re-scores every entity with a newly published version', async () => {
    const { runner, sent } = setup();
    runner.receive({ changes: [fcr('T1', 0.6)], clock, offset: 1 });
    await until(() => sent.length === 1);
    runner.rescoreAll();
    await until(() => sent.length === 2);
    expect(entitiesOf(sent[1]?.cards ?? [])).toEqual(['T1', 'T2']);
  });

  it("re-scores only an org's entities with a version published for it, each org with its own scorecards", async () => {
    const registry = new DefinitionsRegistry(definitions);
    const { runner, sent, values } = setup('send', registry);
    values.stored.push(fcr('T9', 0.7, 'O2'));
    runner.receive({ changes: [fcr('T1', 0.6)], clock, offset: 1 });
    await until(() => sent.length === 1);
    expect(sent[0]?.cards.map((c) => c.entity.orgId).sort()).toEqual(['O1', 'O1', 'O2']);

    const raised = {
      ...definitions,
      scorecards: definitions.scorecards.map((c) => ({ ...c, kpis: c.kpis.map((k) => ({ ...k, target: 0.99 })) })),
    };
    registry.publish({ version: 1, orgId: 'O2', set: raised });
    runner.receive({ changes: [fcr('T1', 0.65)], clock, offset: 2 }); // O1's change, in the same round
    runner.rescoreOrg('O2');
    await until(() => sent.length >= 2);
    const cards = sent[1]?.cards ?? [];
    expect(cards.map((c) => `${c.entity.orgId}:${c.entity.id}`).sort()).toEqual(['O1:T1', 'O2:T9']);
    const targets = (org: string) =>
      new Set(cards.filter((c) => c.entity.orgId === org).flatMap((c) => c.score.kpis.map((k) => k.target)));
    expect(targets('O2')).toEqual(new Set([0.99]));
    expect(targets('O1').has(0.99)).toBe(false);
  });
});
