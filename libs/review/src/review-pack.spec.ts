import { describe, expect, it } from 'vitest';
import { buildReviewPack, type ReviewInputs } from './review-pack';
import { card, item, kpi, redLine, WEEK } from './review-pack.fixture';

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

  it('leaves the change empty without an actual or a total this week, and does not judge a KPI that did not move', () => {
    const pack = buildReviewPack(
      inputs({
        current: [card({ total: null, kpis: [kpi({ kpi: 'gone' }), kpi({ kpi: 'flat', actual: 10 })] })],
        previous: [card({ total: 70, kpis: [kpi({ kpi: 'gone', actual: 5 }), kpi({ kpi: 'flat', actual: 10 })] })],
      }),
    );
    const [sc] = pack.scorecards;
    expect(sc).toMatchObject({ total: null, previousTotal: 70, totalChange: null });
    expect(sc!.kpis.map((k) => [k.kpi, k.previous, k.change, k.relativeChange, k.better])).toEqual([
      ['gone', 5, null, null, null],
      ['flat', 10, 0, 0, null],
    ]);
    expect(pack.movers).toEqual({ up: [], down: [] });
  });

  it('forecasts a lower-is-better KPI the other way, counts meeting the target as on track, skips a zero target', () => {
    const kpis = [
      kpi({ kpi: 'cycle', direction: 'lower', projected: 40, target: 50 }),
      kpi({ kpi: 'cost', direction: 'lower', projected: 60, target: 50 }),
      kpi({ kpi: 'refunds', direction: 'lower', projected: 50, target: 50 }),
      kpi({ kpi: 'calls', projected: 100, target: 100 }),
      kpi({ kpi: 'complaints', projected: 3, target: 0 }),
    ];
    const { forecast } = buildReviewPack(inputs({ current: [card({ kpis })], previous: [] }));
    // by deviation, then KPI
    expect(forecast.map((f) => [f.kpi, f.deviation, f.onTrack])).toEqual([
      ['cycle', -0.19999999999999996, true],
      ['calls', 0, true],
      ['refunds', 0, true],
      ['cost', 0.19999999999999996, false],
    ]);
  });

  it('orders cards by scorecard, and red lines and alerts by time, then entity, scorecard and KPI', () => {
    const day = (n: number) => WEEK.start + n * 86_400_000;
    const line = (entityId: string, scorecard: string, kpi: string, openedAt: number) =>
      redLine({ entityId, scorecard, kpi, openedAt });
    const alert = (at: number) => ({ ...inputs().alerts[0]!, at });
    const pack = buildReviewPack(
      inputs({
        current: [card({ scorecard: 'sales-rep', kpis: [] }), card({ scorecard: 'sales-manager', kpis: [] })],
        previous: [],
        redLines: [
          line('A', 's', 'k', day(2)),
          line('B', 's', 'k', day(1)),
          line('A', 't', 'k', day(1)),
          line('A', 's', 'm', day(1)),
          line('A', 's', 'l', day(1)),
          line('Z', 's', 'k', WEEK.start), // the week's first instant is in it, its end is not
          line('Y', 's', 'k', WEEK.end),
          { ...line('A', 's', 'r', day(-9)), resolvedAt: day(3) },
          { ...line('B', 's', 'r', day(-9)), resolvedAt: day(1) },
        ],
        alerts: [alert(day(2)), alert(day(1)), alert(WEEK.end), alert(WEEK.start)],
      }),
    );
    expect(pack.scorecards.map((c) => c.scorecard)).toEqual(['sales-manager', 'sales-rep']);
    expect(pack.redLines.opened.map((r) => [r.entityId, r.scorecard, r.kpi])).toEqual([
      ['Z', 's', 'k'],
      ['A', 's', 'l'],
      ['A', 's', 'm'],
      ['A', 't', 'k'],
      ['B', 's', 'k'],
      ['A', 's', 'k'],
    ]);
    expect(pack.redLines.resolved.map((r) => r.entityId)).toEqual(['B', 'A']);
    expect(pack.alerts.map((a) => a.at)).toEqual([WEEK.start, day(1), day(2)]);
  });

  it('carries the week, the week before and the stalled deals as given', () => {
    const stalled = [
      { dealId: 'D1', owner: 'A1', stage: 'propose', lastMoveAt: at('2026-11-01T10:00:00'), ageDays: 28 },
    ];
    const pack = buildReviewPack(inputs({ funnel: { ...inputs().funnel, stalled } }));
    expect(pack.week).toEqual({
      label: '2026-W48',
      start: at('2026-11-23T00:00:00'),
      end: at('2026-11-30T00:00:00'),
      timeZone: 'Asia/Shanghai',
      first: '2026-11-23',
      last: '2026-11-29',
    });
    expect(pack.previousWeek).toBe('2026-W47');
    expect(pack.funnel.stalled).toEqual(stalled);
  });
});
