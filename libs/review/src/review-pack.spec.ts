import { describe, expect, it } from 'vitest';
import { buildReviewPack, type ReviewInputs } from './review-pack';
import { card, item, kpi, WEEK } from './review-pack.fixture';

const team = { orgId: 'O1', teamId: 'T1' };
const at = (local: string) => Date.parse(`${local}+08:00`);

function inputs(over: Partial<ReviewInputs> = {}): ReviewInputs {
  return {
    team,
    week: WEEK,
    current: [
      card({
        total: 72.5,
        kpis: [
          kpi({ kpi: 'signed', unit: 'amount', actual: 600, target: 1000, projected: 900, score: 60, status: 'amber' }),
          kpi({ kpi: 'cycle', unit: 'days', direction: 'lower', actual: 40, target: 45 }),
          kpi({ kpi: 'win', unit: 'ratio', actual: 0.3, target: 0.28 }),
          kpi({ kpi: 'sqls', actual: 30, projected: 130 }),
        ],
      }),
    ],
    previous: [
      card({
        total: 70,
        grade: 'C',
        kpis: [
          kpi({ kpi: 'signed', unit: 'amount', actual: 400 }),
          kpi({ kpi: 'cycle', unit: 'days', direction: 'lower', actual: 50 }),
          kpi({ kpi: 'win', unit: 'ratio', actual: 0.32 }),
          kpi({ kpi: 'sqls', actual: 0 }),
        ],
      }),
    ],
    redLines: [
      {
        scorecard: 'sales-manager',
        kpi: 'win',
        effect: 'veto',
        level: 'team',
        entityId: 'T1',
        openedAt: at('2026-11-24T09:00:00'),
        resolvedAt: null,
      },
      {
        scorecard: 'sales-manager',
        kpi: 'signed',
        effect: 'deduct',
        level: 'agent',
        entityId: 'A2',
        openedAt: at('2026-11-10T09:00:00'),
        resolvedAt: at('2026-11-26T09:00:00'),
      },
      {
        scorecard: 'sales-manager',
        kpi: 'cycle',
        effect: 'deduct',
        level: 'agent',
        entityId: 'A3',
        openedAt: at('2026-11-30T00:00:00'),
        resolvedAt: null,
      },
    ],
    alerts: [
      {
        scorecard: 'sales-manager',
        rule: 'r1',
        kpi: 'win',
        name: { en: 'Win rate low', zh: '赢单率低' },
        severity: 'critical',
        level: 'team',
        entityId: 'T1',
        at: at('2026-11-25T10:00:00'),
        value: 0.2,
      },
      {
        scorecard: 'sales-manager',
        rule: 'r1',
        kpi: 'win',
        name: { en: 'Win rate low', zh: '赢单率低' },
        severity: 'critical',
        level: 'team',
        entityId: 'T1',
        at: at('2026-11-22T10:00:00'),
        value: 0.2,
      },
    ],
    funnel: { newSqls: 30, previousSqls: 25, conversion: 0.3, previousConversion: 0.32, stalledDays: 14, stalled: [] },
    actionItems: [
      item({ id: '1' }),
      item({ id: '2', status: 'done', closedAt: at('2026-11-20T10:00:00') }),
      item({ id: '3', status: 'done', closedAt: at('2026-11-25T10:00:00'), dueDate: '2026-11-26' }),
      item({ id: '4', raisedWeek: '2026-W49' }),
    ],
    ...over,
  };
}

describe('buildReviewPack', () => {
  it('gives each KPI its week-over-week change, judged by its direction', () => {
    const pack = buildReviewPack(inputs());
    const [sc] = pack.scorecards;
    expect(sc).toMatchObject({ total: 72.5, previousTotal: 70, totalChange: 2.5, grade: 'B', previousGrade: 'C' });
    const by = new Map(sc!.kpis.map((k) => [k.kpi, k]));
    expect(by.get('signed')).toMatchObject({ previous: 400, change: 200, relativeChange: 0.5, better: true });
    expect(by.get('cycle')).toMatchObject({ previous: 50, change: -10, relativeChange: -0.2, better: true });
    expect(by.get('win')?.better).toBe(false);
    expect(by.get('win')?.change).toBeCloseTo(-0.02, 12);
    // from 0 there is a change but no relative one
    expect(by.get('sqls')).toMatchObject({ change: 30, relativeChange: null, better: true });
  });

  it('ranks the biggest movers each way by relative change, leaving out KPIs without one', () => {
    const { movers } = buildReviewPack(inputs());
    expect(movers.up.map((m) => m.kpi)).toEqual(['signed', 'cycle']);
    expect(movers.down.map((m) => m.kpi)).toEqual(['win']);
  });

  it('keeps at most three movers a side', () => {
    const many = ['a', 'b', 'c', 'd'].map((id, i) => kpi({ kpi: id, actual: 10 + i + 1 }));
    const pack = buildReviewPack(
      inputs({
        current: [card({ kpis: many })],
        previous: [card({ kpis: many.map((k) => ({ ...k, actual: 10 })) })],
      }),
    );
    expect(pack.movers.up.map((m) => m.kpi)).toEqual(['d', 'c', 'b']);
    expect(pack.movers.down).toEqual([]);
  });

  it('lists red lines opened and resolved within the week only, and alerts of the week in time order', () => {
    const pack = buildReviewPack(inputs());
    expect(pack.redLines.opened.map((r) => r.kpi)).toEqual(['win']);
    expect(pack.redLines.resolved.map((r) => r.entityId)).toEqual(['A2']);
    expect(pack.alerts.map((a) => a.at)).toEqual([at('2026-11-25T10:00:00')]);
  });

  it('forecasts KPIs with a run-rate projection: deviation from target and whether on track', () => {
    const { forecast } = buildReviewPack(inputs());
    expect(forecast.map((f) => [f.kpi, f.deviation, f.onTrack])).toEqual([
      ['signed', -0.09999999999999998, false],
      ['sqls', 0.30000000000000004, true],
    ]);
  });

  it('carries action items from earlier weeks until done, and shows one done in the week once more', () => {
    expect(buildReviewPack(inputs()).actionItems.map((i) => i.id)).toEqual(['3', '1']); // by due date;
  });

  it('hashes the results, not the action items: the same data gives the same hash', () => {
    const one = buildReviewPack(inputs());
    const again = buildReviewPack(inputs({ actionItems: [] }));
    expect(again.dataHash).toBe(one.dataHash);
    expect(one.dataHash).toMatch(/^[0-9a-f]{64}$/);
    const restated = buildReviewPack(inputs({ funnel: { ...inputs().funnel, newSqls: 31 } }));
    expect(restated.dataHash).not.toBe(one.dataHash);
  });

  it('leaves the change empty for a scorecard that had no card the week before', () => {
    const pack = buildReviewPack(inputs({ previous: [] }));
    expect(pack.scorecards[0]).toMatchObject({ previousTotal: null, totalChange: null, previousGrade: null });
    expect(pack.scorecards[0]!.kpis.every((k) => k.change === null && k.better === null)).toBe(true);
    expect(pack.movers).toEqual({ up: [], down: [] });
  });
});
