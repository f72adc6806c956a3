import { describe, expect, it } from 'vitest';
import type { PeriodClosing, PeriodResult } from '#libs/close';
import type { DefinitionSet } from '#libs/definitions';
import type { EntityRef, IndicatorValue } from '#libs/indicators';
import { parsePublished } from './definitions-registry';
import {
  PeriodCloser,
  type CloseRound,
  type CloseStore,
  type NewRestatement,
  type StoredFrozen,
} from './period-closer';
import { scoreClosedPeriod } from './rescore';

// one org in Shanghai, FCR (2 d late at most), a monthly agent card closing 1 h after its end
const SOURCE = `apiVersion: kpi-pulse/v1
orgs:
  - { id: '*', timeZone: Asia/Shanghai, currency: CNY }
indicators:
  - id: support.fcr
    name: { en: FCR, zh: 一次解决率 }
    description: first-contact solves ÷ solves
    unit: ratio
    windows: [month]
    allowedLateness: 2d
    numerator: { of: ticket.solved, where: { data.contacts: 1 } }
    denominator: { of: ticket.solved }
scorecards:
  - id: agents-monthly
    version: 1
    effectiveFrom: 2026-01-01
    name: { en: Agents, zh: 坐席 }
    role: cs-agent
    level: agent
    period: month
    close: { grace: 1h }
    grades: [{ grade: A, min: 90 }, { grade: B, min: 50 }, { grade: D, min: 0 }]
    calibration: { population: role-in-org, limits: [{ grade: A, atMost: 0.5 }] }
    dimensions: [{ id: q, name: { en: Q, zh: 质量 }, weight: 1 }]
    kpis:
      - { id: fcr, name: { en: FCR, zh: 一次解决率 }, indicator: support.fcr, dimension: q, direction: higher, target: 1, rule: { achievement: { floor: 0, cap: 1 } } }
`;

const definitions = (): DefinitionSet => {
  const set = parsePublished(SOURCE);
  if (set === undefined) throw new Error('the spec definitions do not parse');
  return set;
};

// October in Shanghai
const OCT = { start: Date.parse('2026-09-30T16:00:00Z'), end: Date.parse('2026-10-31T16:00:00Z') };
const agent = (id: string): EntityRef => ({ level: 'agent', id, orgId: 'O1' });
const fcr = (id: string, value: number): IndicatorValue => ({
  indicator: 'support.fcr',
  entity: agent(id),
  window: 'month',
  periodStart: OCT.start,
  periodEnd: OCT.end,
  value,
  numerator: value * 10,
  denominator: 10,
});

// the store in memory: what a close and a restatement write
class MemoryStore implements CloseStore {
  closes: PeriodClosing[] = [];
  restated: NewRestatement[] = [];
  asked = 0;
  constructor(private readonly population: EntityRef[]) {}
  closedStarts(key: { scorecard: string }, starts: readonly number[]) {
    this.asked++;
    return Promise.resolve(
      new Set(starts.filter((s) => this.closes.some((c) => c.scorecard === key.scorecard && c.periodStart === s))),
    );
  }
  populationOf() {
    return Promise.resolve(this.population);
  }
  earlierResults() {
    return Promise.resolve(new Map<string, PeriodResult[]>());
  }
  close(closing: PeriodClosing) {
    this.closes.push(closing);
    return Promise.resolve(true);
  }
  frozenOf(cards: readonly { scorecard: string; entity: EntityRef; periodStart: number }[]): Promise<StoredFrozen[]> {
    return Promise.resolve(
      cards.flatMap((c) =>
        this.closes
          .filter((x) => x.scorecard === c.scorecard && x.periodStart === c.periodStart)
          .flatMap((x) => x.cards.filter((f) => f.frozen.content.entity.id === c.entity.id))
          .map((f) => ({
            entity: c.entity,
            periodStart: c.periodStart,
            content: f.frozen.content,
            hash: f.frozen.hash,
            logPosition: 7,
            restatedHashes: this.restated.filter((r) => r.entity.id === c.entity.id).map((r) => r.after.hash),
          })),
      ),
    );
  }
  restate(restatements: readonly NewRestatement[]) {
    this.restated.push(...restatements);
    return Promise.resolve();
  }
}

function round(values: IndicatorValue[], clock: number, cards: CloseRound['cards'] = []): CloseRound {
  return {
    cards,
    changes: values,
    orgs: ['O1'],
    clockOf: () => clock,
    offset: 42,
    values: {
      valuesOf: (entities) => Promise.resolve(values.filter((v) => entities.some((e) => e.id === v.entity.id))),
    },
  };
}

describe('PeriodCloser', () => {
  const defs = definitions();
  const closer = (store: MemoryStore) => new PeriodCloser({ definitionsFor: () => defs, store });

  it("closes a month once its end + grace is reached on the org's clock, and only once", async () => {
    const store = new MemoryStore([agent('A1'), agent('A2')]);
    const c = closer(store);
    const values = [fcr('A1', 0.95), fcr('A2', 0.92)];
    await c.afterRound(round(values, OCT.end + 3_600_000 - 1));
    expect(store.closes.filter((x) => x.periodStart === OCT.start)).toEqual([]);
    await c.afterRound(round(values, OCT.end + 3_600_000));
    const october = store.closes.find((x) => x.periodStart === OCT.start);
    expect(october).toMatchObject({
      scorecard: 'agents-monthly',
      orgId: 'O1',
      periodEnd: OCT.end,
      graceMs: 3_600_000,
      logPosition: 42,
    });
    expect(
      october?.cards.map((x) => [x.frozen.content.entity.id, x.frozen.content.total, x.frozen.content.grade]),
    ).toEqual([
      ['A1', 95, 'A'],
      ['A2', 92, 'A'],
    ]);
    // A ≤ 50 % of two: one A; the lower-ranked A2 is proposed B
    expect(october?.cards.map((x) => x.outcome.proposedGrade?.proposed)).toEqual(['A', 'B']);
    const asked = store.asked;
    await c.afterRound(round(values, OCT.end + 7_200_000));
    expect(store.closes.filter((x) => x.periodStart === OCT.start)).toHaveLength(1);
    expect(store.asked).toBe(asked); // the same period due: the store is not asked again
  });

  it('restates a frozen card a late change moves, once per result, and never one that did not move', async () => {
    const store = new MemoryStore([agent('A1')]);
    const c = closer(store);
    const clock = OCT.end + 5 * 3_600_000;
    await c.afterRound(round([fcr('A1', 0.95)], clock));
    const rescored = (value: number) =>
      scoreClosedPeriod([agent('A1')], { window: 'month', end: OCT.end }, clock, () => defs, {
        valuesOf: () => Promise.resolve([fcr('A1', value)]),
      });
    await c.afterRound(round([fcr('A1', 0.95)], clock, await rescored(0.95)));
    expect(store.restated).toEqual([]);
    const moved = await rescored(0.5);
    await c.afterRound(round([fcr('A1', 0.5)], clock, moved));
    await c.afterRound(round([fcr('A1', 0.5)], clock, moved));
    expect(store.restated).toHaveLength(1);
    expect(store.restated[0]).toMatchObject({ logFrom: 7, logTo: 42, scorecard: 'agents-monthly' });
    expect(store.restated[0]?.diff).toContainEqual({ path: 'kpis.fcr.actual', before: 0.95, after: 0.5 });
    expect(store.restated[0]?.changed).toEqual([
      { indicator: 'support.fcr', window: 'month', periodStart: new Date(OCT.start).toISOString(), value: 0.5 },
    ]);
  });
});
