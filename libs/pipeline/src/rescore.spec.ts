import { describe, expect, it } from 'vitest';
import type { DefinitionSet } from '#libs/definitions';
import type { EntityRef, IndicatorValue } from '#libs/indicators';
import { DefinitionsRegistry, parsePublished, type DefinitionsFor } from './definitions-registry';
import { rescoreEntities, type ValuesReader } from './rescore';
import { completeStoredCard, type StoredScoredCard } from './stored-card';

// one org in Shanghai (UTC+8), one indicator, one monthly team scorecard
const SOURCE = `apiVersion: kpi-pulse/v1
orgs:
  - { id: '*', timeZone: Asia/Shanghai, currency: CNY }
indicators:
  - id: support.fcr
    name: { en: First-contact resolution, zh: 一次解决率 }
    description: Tickets solved on the first contact ÷ all tickets solved.
    unit: ratio
    windows: [rolling:24h, week, month]
    numerator: { of: ticket.solved, where: { data.contacts: 1 } }
    denominator: { of: ticket.solved }
scorecards:
  - id: support-team-monthly
    version: 1
    effectiveFrom: 2026-01-01
    name: { en: Support team (monthly), zh: 客服团队月度 }
    role: cs-supervisor
    level: team
    period: month
    source: spec
    grades: [{ grade: A, min: 90 }, { grade: D, min: 0 }]
    dimensions: [{ id: efficiency, name: { en: Efficiency, zh: 效率 }, weight: 100 }]
    kpis:
      - id: fcr
        name: { en: First-contact resolution, zh: 一次解决率 }
        indicator: support.fcr
        dimension: efficiency
        weight: 1
        direction: higher
        target: 0.75
        rule: { achievement: { floor: 0.8, cap: 1.1 } }
        source: spec
`;

function definitions(): DefinitionSet {
  const set = parsePublished(SOURCE);
  if (set === undefined) throw new Error('the spec definitions do not parse');
  return set;
}

// the same definitions for every org
function everyOrg(): DefinitionsFor {
  const set = definitions();
  return () => set;
}

const team: EntityRef = { level: 'team', id: 'T1', orgId: 'O1' };
const none: ValuesReader = { valuesOf: () => Promise.resolve([] as IndicatorValue[]) };
// 30 November 2026, 20:00 in Shanghai: still November there, already 1 December nowhere west of UTC+4
const clock = Date.parse('2026-11-30T20:00:00+08:00');

describe('a scored card names its zone, window and scorecard', () => {
  it("the scorecard's own period, in the org's zone", async () => {
    const [card] = await rescoreEntities([team], clock, everyOrg(), none);
    expect(card).toMatchObject({
      timeZone: 'Asia/Shanghai',
      window: 'month',
      scorecardName: { en: 'Support team (monthly)', zh: '客服团队月度' },
      periodStart: Date.parse('2026-11-01T00:00:00+08:00'),
      periodEnd: Date.parse('2026-12-01T00:00:00+08:00'),
    });
    expect(card?.score.kpis.map((k) => [k.kpi, k.unit, k.direction])).toEqual([['fcr', 'ratio', 'higher']]);
  });

  it("the org's currency and the scorecard's grades, for the page's amounts and points to the next grade", async () => {
    const [card] = await rescoreEntities([team], clock, everyOrg(), none);
    expect(card).toMatchObject({
      currency: 'CNY',
      grades: [
        { grade: 'A', min: 90 },
        { grade: 'D', min: 0 },
      ],
    });
  });

  it('the view window it was re-scored over', async () => {
    const [day] = await rescoreEntities([team], clock, everyOrg(), none, 'rolling:24h');
    expect(day).toMatchObject({ window: 'rolling:24h', periodStart: clock - 86_400_000, periodEnd: clock });
    const [week] = await rescoreEntities([team], clock, everyOrg(), none, 'week');
    expect(week).toMatchObject({
      timeZone: 'Asia/Shanghai',
      window: 'week',
      periodStart: Date.parse('2026-11-30T00:00:00+08:00'), // a Monday
    });
    // support.fcr is not computed over a quarter: not scored over it, and no total
    const [quarter] = await rescoreEntities([team], clock, everyOrg(), none, 'quarter');
    expect(quarter?.score.kpis.map((k) => [k.kpi, k.unscored, k.score])).toEqual([['fcr', 'window', null]]);
    expect(quarter?.score.total).toBeNull();
  });
});

describe('each org is scored at its own clock', () => {
  it("an org whose clock is still in November gets November's card while another's is in December", async () => {
    const other: EntityRef = { level: 'team', id: 'T1', orgId: 'O2' };
    const clocks: Record<string, number> = { O1: clock, O2: Date.parse('2026-12-01T09:00:00+08:00') };
    const cards = await rescoreEntities([team, other], (org) => clocks[org] ?? clock, everyOrg(), none);
    expect(cards.map((c) => [c.entity.orgId, new Date(c.periodStart).toISOString()])).toEqual([
      ['O1', '2026-10-31T16:00:00.000Z'],
      ['O2', '2026-11-30T16:00:00.000Z'],
    ]);
  });
});

describe("each org is scored with its own org's scorecards", () => {
  it("a version published for O2 changes O2's target and no other org's", async () => {
    const registry = new DefinitionsRegistry(definitions());
    const raised = parsePublished(SOURCE.replace('target: 0.75', 'target: 0.9'));
    if (raised === undefined) throw new Error('no set');
    expect(registry.publish({ version: 7, orgId: 'O2', set: raised })).toEqual({ ok: true, version: 7 });
    const o2: EntityRef = { level: 'team', id: 'T1', orgId: 'O2' };
    const o3: EntityRef = { level: 'team', id: 'T1', orgId: 'O3' };
    const cards = await rescoreEntities([team, o2, o3], clock, registry.definitionsFor, none);
    expect(cards.map((c) => [c.entity.orgId, c.score.kpis[0]?.target])).toEqual([
      ['O1', 0.75],
      ['O2', 0.9],
      ['O3', 0.75],
    ]);
  });
});

describe('completeStoredCard', () => {
  const stored = async (): Promise<StoredScoredCard> => {
    const [card] = await rescoreEntities([team], clock, everyOrg(), none);
    if (card === undefined) throw new Error('no card');
    const old: StoredScoredCard = { ...card, score: { ...card.score, kpis: card.score.kpis.map((k) => ({ ...k })) } };
    delete old.timeZone;
    delete old.window;
    delete old.scorecardName;
    delete old.currency;
    delete old.grades;
    for (const kpi of old.score.kpis) {
      delete kpi.unit;
      delete kpi.direction;
    }
    return old;
  };

  it("fills a card stored before the fields from the org's settings, the scorecard's definition, the units", async () => {
    const old = await stored();
    expect(completeStoredCard(old, definitions())).toEqual({
      ...old,
      timeZone: 'Asia/Shanghai',
      currency: 'CNY',
      window: 'month',
      scorecardName: { en: 'Support team (monthly)', zh: '客服团队月度' },
      grades: [
        { grade: 'A', min: 90 },
        { grade: 'D', min: 0 },
      ],
      score: { ...old.score, kpis: old.score.kpis.map((k) => ({ ...k, unit: 'ratio', direction: 'higher' })) },
    });
  });

  it('keeps what a card carries', async () => {
    const card = { ...(await stored()), timeZone: 'Europe/Berlin', window: 'week' as const };
    expect(completeStoredCard(card, definitions())).toMatchObject({ timeZone: 'Europe/Berlin', window: 'week' });
  });

  it("tells a scorecard no longer defined by its period's length, and names it by its id", async () => {
    const old = await stored();
    const gone = { ...old, score: { ...old.score, scorecard: 'retired-quarterly' } };
    const start = Date.parse('2026-10-01T00:00:00+08:00');
    const quarter = { ...gone, periodStart: start, periodEnd: Date.parse('2027-01-01T00:00:00+08:00') };
    expect(completeStoredCard(quarter, definitions())).toMatchObject({
      window: 'quarter',
      scorecardName: { en: 'retired-quarterly', zh: 'retired-quarterly' },
    });
    expect(completeStoredCard(gone, definitions()).window).toBe('month');
  });
});
