import { describe, expect, it } from 'vitest';
import { loadDefinitions, type IndicatorDef, type KpiDef, type ScorecardDef, type WindowName } from '#libs/definitions';
import { scoreCardAt, type CardContext } from './score-card';

function indicator(id: string, measure: IndicatorDef['measure'], windows: WindowName[]): IndicatorDef {
  const name = { en: id, zh: id };
  return {
    id,
    version: 1,
    name,
    description: id,
    unit: 'number',
    levels: ['team'],
    windows,
    allowedLatenessMs: 0,
    measure,
  };
}

const term = (sum?: string) => ({
  types: ['crm.deal.won'],
  where: [],
  timeField: 'time',
  aggregation: sum === undefined ? { kind: 'count' as const } : { kind: 'sum' as const, fields: [sum] },
});
const SIGNED = indicator('sales.signed', { kind: 'terms', numerator: term('data.amount'), scale: 1 }, [
  'rolling:24h',
  'quarter',
]);
const WIN_RATE = indicator('sales.win_rate', { kind: 'terms', numerator: term(), denominator: term(), scale: 1 }, [
  'week',
  'quarter',
]);

function kpi(id: string, indicatorId: string, fields: Partial<KpiDef> = {}): KpiDef {
  return {
    id,
    name: { en: id, zh: id },
    indicator: indicatorId,
    window: 'quarter',
    dimension: 'main',
    weight: 1,
    direction: 'higher',
    target: 8_000_000,
    rule: { kind: 'achievement', floor: 0.8, cap: 1, belowFloorScore: 0 },
    missing: { kind: 'exclude' },
    redLines: [],
    source: 'spec',
    ...fields,
  };
}

const CARD: ScorecardDef = {
  id: 'sales',
  version: 1,
  effectiveFrom: '2026-01-01',
  name: { en: 'Sales', zh: '销售' },
  role: 'sales-manager',
  level: 'team',
  period: 'quarter',
  dimensions: [{ id: 'main', name: { en: 'Main', zh: '主' }, weight: 100 }],
  kpis: [kpi('signed', 'sales.signed', { beforeClose: 'pace' }), kpi('win_rate', 'sales.win_rate', { target: 0.28 })],
  grades: [
    { grade: 'A', min: 90 },
    { grade: 'D', min: 0 },
  ],
  status: { green: 100, amber: 80 },
  alerts: [],
  streaks: [],
  source: 'spec',
};

const SHANGHAI: CardContext = {
  org: { timeZone: 'Asia/Shanghai' },
  indicators: new Map([SIGNED, WIN_RATE].map((i) => [i.id, i])),
};
const VALUES: Record<string, number> = { 'sales.signed': 5_580_000, 'sales.win_rate': 0.28 };
const read = (indicatorId: string): number | null => VALUES[indicatorId] ?? null;

// Q4 2026 in Shanghai: 92 days from 2026-10-01T00:00+08:00; 61 days in is 2026-12-01T00:00+08:00
const Q4_START = Date.parse('2026-09-30T16:00:00Z');
const DAY = 86_400_000;

describe('scoreCardAt', () => {
  it('gives a cumulative KPI in its open calendar period its pace, by time, and scores it on pace', () => {
    const card = scoreCardAt(CARD, Q4_START + 61 * DAY, SHANGHAI, read);
    const [signed, winRate] = card.score.kpis;
    expect(signed?.pace?.elapsed).toBeCloseTo(61 / 92, 12);
    expect(signed?.pace?.expected).toBeCloseTo((8_000_000 * 61) / 92, 6);
    expect(signed?.pace?.scoredOn).toBe('pace');
    expect(signed?.score).toBe(100); // 5.58 M against 5.30 M expected
    expect(winRate?.pace).toBeUndefined(); // a ratio does not grow through the period
  });

  it('by the org working days where it has a calendar', () => {
    const weekdays: CardContext = {
      ...SHANGHAI,
      org: { timeZone: 'Asia/Shanghai', calendar: { workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: [] } },
    };
    // Saturday 2026-10-03 00:00: Thursday and Friday done, of Q4's 66 weekdays
    const [signed] = scoreCardAt(CARD, Q4_START + 2 * DAY, weekdays, read).score.kpis;
    expect(signed?.pace?.elapsed).toBeCloseTo(2 / 66, 12);
  });

  it('no pace at the first instant of the period: nothing of it has elapsed', () => {
    const [signed] = scoreCardAt(CARD, Q4_START, SHANGHAI, read).score.kpis;
    expect(signed?.pace).toBeUndefined();
    expect(signed?.score).toBe(0); // 5.58 M of the full 8 M is below the floor
  });

  it('over a view window: KPIs whose indicator lacks it are unscored; no pace outside the KPI own period', () => {
    const rolling = scoreCardAt(CARD, Q4_START + 61 * DAY, SHANGHAI, read, 'rolling:24h');
    expect(rolling.score.kpis.map((k) => [k.kpi, k.unscored, k.score])).toEqual([
      ['signed', undefined, 0], // 5.58 M on the full 8 M is below the 0.8 floor
      ['win_rate', 'window', null],
    ]);
    expect(rolling.score.kpis[0]?.pace).toBeUndefined();
    expect(rolling.score.total).toBe(0); // the win rate's 100 is out of the total
    const week = scoreCardAt(CARD, Q4_START + 61 * DAY, SHANGHAI, read, 'week');
    expect(week.score.kpis.map((k) => [k.kpi, k.unscored])).toEqual([
      ['signed', 'window'],
      ['win_rate', undefined],
    ]);
  });

  it('over another calendar window the indicator has, a cumulative KPI is read on its full target, without pace', () => {
    const monthly: CardContext = {
      ...SHANGHAI,
      indicators: new Map(
        [{ ...SIGNED, windows: [...SIGNED.windows, 'month' as const] }, WIN_RATE].map((i) => [i.id, i]),
      ),
    };
    const month = scoreCardAt(CARD, Q4_START + 61 * DAY + DAY / 2, monthly, read, 'month');
    expect(month.score.kpis[0]?.pace).toBeUndefined();
    expect(month.score.kpis[0]?.score).toBe(0); // 5.58 M of the full 8 M, below the floor
    expect(month.window).toBe('month');
    expect(month.periodStart).toBe(Q4_START + 61 * DAY); // December in Shanghai
  });
});

describe('the seed sales template (definitions/seed)', () => {
  it('5.58 M of the 8 M quarter target at two thirds of the quarter is on pace, not 0', () => {
    const { set: definitions, issues } = loadDefinitions('definitions/seed');
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const card = definitions.scorecards.find((s) => s.id === 'sales-manager-quarterly');
    if (card === undefined) throw new Error('the seed has the sales template');
    const context: CardContext = {
      org: { timeZone: 'Asia/Shanghai' },
      indicators: new Map(definitions.indicators.map((i) => [i.id, i])),
    };
    const twoThirds = Q4_START + (92 * DAY * 2) / 3;
    const signedAt = (at: number) =>
      scoreCardAt(card, at, context, (id) => (id === 'sales.signed_amount' ? 5_580_000 : null)).score.kpis.find(
        (k) => k.kpi === 'signed_amount',
      );
    expect(signedAt(twoThirds)).toMatchObject({ score: 100, status: 'green', pace: { scoredOn: 'pace' } });
    expect(signedAt(twoThirds)?.pace?.gap).toBeCloseTo(0.04625, 10);
    // at the quarter's last instant the pro-rated target is all of it: 5.58 M is below the 80 % floor
    expect(signedAt(Q4_START + 92 * DAY - 1)?.score).toBe(0);
  });
});
