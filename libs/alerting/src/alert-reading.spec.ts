import { describe, expect, it } from 'vitest';
import type { AlertCondition, AlertRuleDef, KpiDef } from '#libs/definitions';
import type { KpiScore, ScorecardScore } from '#libs/scoring';
import { readKpi, readStreak, shortfallOf, type ClosedPeriod } from './alert-reading';

function rule(condition: AlertCondition, kpis: string[] | null = null): AlertRuleDef {
  return {
    id: 'r',
    name: { en: 'r', zh: 'r' },
    severity: 'warning',
    kpis,
    condition,
    forMs: 0,
    keepFiringForMs: 0,
    labels: {},
    source: 'spec',
  };
}

function kpiDef(direction: 'higher' | 'lower', target: number): KpiDef {
  return {
    id: 'k',
    name: { en: 'k', zh: 'k' },
    indicator: 'test.k',
    window: 'month',
    dimension: 'main',
    weight: 1,
    direction,
    target,
    rule: { kind: 'achievement', floor: 0, cap: 1, belowFloorScore: 0 },
    missing: { kind: 'exclude' },
    redLines: [],
    source: 'spec',
  };
}

function score(actual: number | null, fields: Partial<KpiScore> = {}): KpiScore {
  return {
    kpi: 'k',
    indicator: 'test.k',
    name: { en: 'k', zh: 'k' },
    dimension: 'main',
    actual,
    target: 0,
    achievement: null,
    score: actual === null ? null : 50,
    weight: 1,
    status: 'red',
    redLine: false,
    missing: actual === null,
    ...fields,
  };
}

const deviation = (fire: number, resolve: number, minSample = 1): AlertCondition => ({
  kind: 'deviation',
  fireAt: { kind: 'relative', value: fire },
  resolveUnder: { kind: 'relative', value: resolve },
  minSample,
});

describe('a deviation reading', () => {
  const r = rule(deviation(0.05, 0.025, 20));

  it('fires at ≥ 5 % worse than target exactly, holds in the band, clears under 2.5 %', () => {
    const higher = kpiDef('higher', 0.8);
    // 0.76 is exactly 5 % short of 0.8 (0.04 ÷ 0.8 is 0.04999999999999993 in doubles)
    expect(readKpi(r, higher, score(0.76), 20)).toMatchObject({ level: 'fire' });
    expect(readKpi(r, higher, score(0.77), 20)).toMatchObject({ level: 'hold' });
    expect(readKpi(r, higher, score(0.78), 20)).toMatchObject({ level: 'hold' }); // exactly 2.5 %: not under it
    expect(readKpi(r, higher, score(0.79), 20)).toMatchObject({ level: 'clear' });
    expect(readKpi(r, higher, score(0.95), 20)).toMatchObject({ level: 'clear' });
  });

  it('reads a lower-is-better KPI the other way', () => {
    const aht = kpiDef('lower', 300);
    expect(readKpi(r, aht, score(315), 20)).toEqual({ level: 'fire', value: 0.05 });
    expect(readKpi(r, aht, score(285), 20)).toMatchObject({ level: 'clear' });
  });

  it('says nothing on too little data: no actual, fewer events than minSample, an unscored window', () => {
    const higher = kpiDef('higher', 0.8);
    expect(readKpi(r, higher, score(0.1), 19)).toEqual({ level: 'unknown', value: null });
    expect(readKpi(r, higher, score(0.1), null)).toEqual({ level: 'unknown', value: null });
    expect(readKpi(r, higher, score(null), 100)).toEqual({ level: 'unknown', value: null });
    expect(readKpi(r, higher, score(0.1, { unscored: 'window' }), 100)).toEqual({ level: 'unknown', value: null });
  });

  it('compares with the pro-rated target while the KPI is scored on pace', () => {
    const revenue = kpiDef('higher', 1000);
    const pace = { elapsed: 0.5, expected: 500, projected: 960, gap: -0.04, scoredOn: 'pace' as const };
    expect(readKpi(r, revenue, score(480, { pace }), 20)).toMatchObject({ level: 'hold', value: 0.04 });
    expect(readKpi(r, revenue, score(480, { pace: { ...pace, scoredOn: 'target' } }), 20)).toMatchObject({
      level: 'fire',
    });
  });

  it('a margin in the KPI’s unit; a zero target is infinitely missed by any worse actual', () => {
    const m = rule({
      kind: 'deviation',
      fireAt: { kind: 'margin', value: 30 },
      resolveUnder: { kind: 'margin', value: 10 },
      minSample: 1,
    });
    expect(readKpi(m, kpiDef('lower', 300), score(330), 1)).toEqual({ level: 'fire', value: 30 });
    expect(readKpi(m, kpiDef('lower', 300), score(305), 1)).toEqual({ level: 'clear', value: 5 });
    expect(shortfallOf(1, 0, 'lower', 'relative')).toBe(Number.POSITIVE_INFINITY);
    expect(shortfallOf(0, 0, 'lower', 'relative')).toBe(0);
  });
});

describe('red-line and pace readings', () => {
  it('a red line fires while crossed, clears when not, and says nothing without data', () => {
    const r = rule({ kind: 'red-line' });
    expect(readKpi(r, kpiDef('lower', 0), score(1, { redLine: true }), 1).level).toBe('fire');
    expect(readKpi(r, kpiDef('lower', 0), score(0), 1).level).toBe('clear');
    expect(readKpi(r, kpiDef('lower', 0), score(null), 1).level).toBe('unknown');
  });

  it('a projection missing the full target by ≥ missBy fires, once enough of the period has passed', () => {
    const r = rule({ kind: 'pace', missBy: 0.1, resolveUnder: 0.05, fromElapsed: 0.25 });
    const revenue = kpiDef('higher', 8_000_000);
    const pace = (elapsed: number, projected: number) => ({
      elapsed,
      expected: 8e6 * elapsed,
      projected,
      gap: null,
      scoredOn: 'pace' as const,
    });
    // 5.58 M at two thirds of the quarter projects 8.37 M: on course
    expect(readKpi(r, revenue, score(5.58e6, { pace: pace(2 / 3, 8.37e6) }), 1).level).toBe('clear');
    expect(readKpi(r, revenue, score(3e6, { pace: pace(0.5, 6e6) }), 1)).toEqual({ level: 'fire', value: 0.25 });
    expect(readKpi(r, revenue, score(1e6, { pace: pace(0.2, 5e6) }), 1).level).toBe('unknown');
    expect(readKpi(r, revenue, score(5e6, { pace: pace(0.5, 7.4e6) }), 1).level).toBe('hold');
    expect(readKpi(r, revenue, score(5e6), 1).level).toBe('unknown'); // a closed period has no pace
    // exactly fromElapsed is enough; a pace without a projection says nothing
    expect(readKpi(r, revenue, score(2e6, { pace: pace(0.25, 6e6) }), 1)).toEqual({ level: 'fire', value: 0.25 });
    expect(readKpi(r, revenue, score(2e6, { pace: { ...pace(0.5, 0), projected: null } }), 1).level).toBe('unknown');
  });

  it('a streak rule reads nothing from a live scoring (it reads closed periods)', () => {
    const r = rule({ kind: 'streak', periods: 1, when: { kind: 'target-missed' } });
    expect(readKpi(r, kpiDef('higher', 1), score(0), 1)).toEqual({ level: 'unknown', value: null });
  });
});

describe('a streak over closed periods', () => {
  const MONTH = 30;
  function card(total: number | null, actual: number | null, kpiScore: number | null = 50): ScorecardScore {
    return {
      scorecard: 'c',
      version: 1,
      kpis: [score(actual, { score: kpiScore })],
      dimensions: [],
      total,
      grade: null,
      coefficient: null,
      bonus: null,
      redLines: [],
      deducted: 0,
    };
  }
  const periods = (...cards: ScorecardScore[]): ClosedPeriod[] =>
    cards.map((c, i) => ({ periodStart: i * MONTH, periodEnd: (i + 1) * MONTH, score: c }));
  const k = kpiDef('higher', 0.9);

  it('fires when the last K consecutive periods missed the target, holds on a shorter run, clears on a hit', () => {
    const r = rule({ kind: 'streak', periods: 2, when: { kind: 'target-missed' } }, ['k']);
    expect(readStreak(r, k, periods(card(80, 0.95), card(80, 0.8), card(80, 0.85)))).toEqual({
      level: 'fire',
      value: 2,
    });
    expect(readStreak(r, k, periods(card(80, 0.95), card(80, 0.8)))).toEqual({ level: 'hold', value: 1 });
    expect(readStreak(r, k, periods(card(80, 0.8), card(80, 0.8), card(80, 0.9)))).toEqual({
      level: 'clear',
      value: 0,
    });
  });

  it('a gap between periods or a period without data ends the run', () => {
    const r = rule({ kind: 'streak', periods: 2, when: { kind: 'target-missed' } }, ['k']);
    const [a, , c] = periods(card(80, 0.5), card(80, 0.5), card(80, 0.5));
    expect(readStreak(r, k, [a as ClosedPeriod, c as ClosedPeriod]).level).toBe('hold');
    expect(readStreak(r, k, periods(card(80, 0.5), card(null, null), card(80, 0.5))).level).toBe('hold');
    expect(readStreak(r, k, periods(card(80, 0.5), card(null, null))).level).toBe('unknown');
  });

  it('says nothing without closed periods, or when the latest has no data for the test', () => {
    const missed = rule({ kind: 'streak', periods: 1, when: { kind: 'target-missed' } }, ['k']);
    const total = rule({ kind: 'streak', periods: 1, when: { kind: 'total-below', total: 70 } });
    const kpiScore = rule({ kind: 'streak', periods: 1, when: { kind: 'score-below', score: 60 } }, ['k']);
    const unknown = { level: 'unknown', value: null };
    expect(readStreak(missed, k, [])).toEqual(unknown);
    expect(readStreak(total, undefined, periods(card(null, 0.5)))).toEqual(unknown);
    expect(readStreak(kpiScore, k, periods(card(10, 0.5, null)))).toEqual(unknown);
    // a KPI the rule watches that the card no longer has, or that the period's score does not list
    expect(readStreak(missed, undefined, periods(card(10, 0.5)))).toEqual(unknown);
    const other = { ...k, id: 'other' };
    expect(readStreak(missed, other, periods(card(10, 0.5)))).toEqual(unknown);
  });

  it('reads the watched KPI among several of the period, a lower-is-better one the other way', () => {
    const r = rule({ kind: 'streak', periods: 1, when: { kind: 'target-missed' } }, ['k2']);
    const aht = { ...kpiDef('lower', 300), id: 'k2' };
    const both = (actual: number): ClosedPeriod[] => {
      const [p] = periods(card(80, 0.5));
      const s = (p as ClosedPeriod).score;
      return [{ ...(p as ClosedPeriod), score: { ...s, kpis: [...s.kpis, score(actual, { kpi: 'k2' })] } }];
    };
    expect(readStreak(r, aht, both(290))).toEqual({ level: 'clear', value: 0 });
    expect(readStreak(r, aht, both(310))).toEqual({ level: 'fire', value: 1 });
  });

  it('a total below N three months running (seed 003), and a KPI score below N', () => {
    const total = rule({ kind: 'streak', periods: 3, when: { kind: 'total-below', total: 70 } });
    expect(readStreak(total, undefined, periods(card(69.99, 1), card(60, 1), card(0, 1))).level).toBe('fire');
    expect(readStreak(total, undefined, periods(card(69.99, 1), card(70, 1), card(0, 1))).level).toBe('hold');
    const kpiScore = rule({ kind: 'streak', periods: 1, when: { kind: 'score-below', score: 60 } }, ['k']);
    expect(readStreak(kpiScore, k, periods(card(90, 1, 59))).level).toBe('fire');
    expect(readStreak(kpiScore, k, periods(card(90, 1, 60))).level).toBe('clear');
  });
});
