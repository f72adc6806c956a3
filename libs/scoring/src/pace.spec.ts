import { describe, expect, it } from 'vitest';
import { actuals, kpi, scorecard } from './scorecard.fixture';
import { scoreScorecard, type KpiMoment } from './score-scorecard';

// Seed 000 三.A.1 季度签约额 ≥800万 with 三's "80–99% 按比例, <80% 不达标".
const signed = (beforeClose?: 'pace' | 'target') =>
  kpi('signed', {
    target: 8_000_000,
    rule: { kind: 'achievement', floor: 0.8, cap: 1, belowFloorScore: 0 },
    ...(beforeClose === undefined ? {} : { beforeClose }),
  });
const at = (elapsed: number): ReadonlyMap<string, KpiMoment> => new Map([['signed', { elapsed }]]);

describe('pace of a cumulative KPI', () => {
  it('5.58 M of 8 M at two thirds of the quarter is on pace at 104.6 % and no longer scores 0', () => {
    const card = scorecard([signed('pace')], undefined, { period: 'quarter' });
    const [k] = scoreScorecard(card, actuals({ signed: 5_580_000 }), at(2 / 3)).kpis;
    expect(k?.pace?.expected).toBeCloseTo(5_333_333.33, 2);
    expect(k?.pace?.projected).toBeCloseTo(8_370_000, 6);
    expect(k?.pace?.gap).toBeCloseTo(0.04625, 10);
    expect(k?.pace?.scoredOn).toBe('pace');
    expect(k?.score).toBe(100); // capped at 1
    expect(k?.achievement).toBe(1);
    expect(k?.target).toBe(8_000_000); // the KPI's own target is still reported
  });

  it('scored on the full target by default: the same quarter-to-date is below the floor, with its pace beside', () => {
    const [k] = scoreScorecard(scorecard([signed()]), actuals({ signed: 5_580_000 }), at(2 / 3)).kpis;
    expect(k?.score).toBe(0);
    expect(k?.achievement).toBeCloseTo(0.6975, 12);
    expect(k?.pace?.scoredOn).toBe('target');
    expect(k?.pace?.gap).toBeCloseTo(0.04625, 10);
  });

  it('behind pace: 4 M at two thirds is 25 % behind, scored 75 against the pro-rated target', () => {
    const [k] = scoreScorecard(scorecard([signed('pace')]), actuals({ signed: 4_000_000 }), at(2 / 3)).kpis;
    expect(k?.pace?.gap).toBeCloseTo(-0.25, 12);
    expect(k?.score).toBe(0); // 0.75 is below the 0.8 floor
    const [near] = scoreScorecard(scorecard([signed('pace')]), actuals({ signed: 4_800_000 }), at(2 / 3)).kpis;
    expect(near?.score).toBeCloseTo(90, 10);
    expect(near?.status).toBe('amber');
  });

  it('without a moment (a closed period, or not cumulative) there is no pace and the full target scores', () => {
    const [k] = scoreScorecard(scorecard([signed('pace')]), actuals({ signed: 8_000_000 })).kpis;
    expect(k?.pace).toBeUndefined();
    expect(k?.score).toBe(100);
    const [short] = scoreScorecard(scorecard([signed('pace')]), actuals({ signed: 7_000_000 })).kpis;
    expect(short?.score).toBeCloseTo(87.5, 10);
  });

  it('no actual: the pace carries the expected amount, no projection or gap, and the missing policy scores', () => {
    const [k] = scoreScorecard(scorecard([signed('pace')]), actuals({ signed: null }), at(0.5)).kpis;
    expect(k?.pace).toEqual({ elapsed: 0.5, expected: 4_000_000, projected: null, gap: null, scoredOn: 'pace' });
    expect(k?.score).toBeNull();
    expect(k?.missing).toBe(true);
  });

  it('lower is better: the allowance is pro-rated too and a positive gap is still good', () => {
    // at most 10 complaints a month: 3 by mid-month is 40 % under the allowance of 5, 6 is 20 % over
    const complaints = kpi('complaints', { direction: 'lower', target: 10, beforeClose: 'pace' });
    const moment = new Map([['complaints', { elapsed: 0.5 }]]);
    const [under] = scoreScorecard(scorecard([complaints]), actuals({ complaints: 3 }), moment).kpis;
    expect(under?.pace).toMatchObject({ expected: 5, projected: 6, scoredOn: 'pace' });
    expect(under?.pace?.gap).toBeCloseTo(0.4, 12);
    expect(under?.score).toBe(100);
    const [over] = scoreScorecard(scorecard([complaints]), actuals({ complaints: 6 }), moment).kpis;
    expect(over?.pace?.gap).toBeCloseTo(-0.2, 12);
    expect(over?.score).toBeCloseTo((5 / 6) * 100, 10);
  });

  it('a target-missed red line of a KPI scored on pace is tested against the pro-rated target', () => {
    const k = kpi('signed', {
      target: 8_000_000,
      beforeClose: 'pace',
      redLines: [{ when: 'target-missed', effects: [{ kind: 'deduct', points: 5 }] }],
    });
    const onPace = scoreScorecard(scorecard([k]), actuals({ signed: 5_580_000 }), at(2 / 3));
    expect(onPace.redLines).toEqual([]);
    const behind = scoreScorecard(scorecard([k]), actuals({ signed: 5_000_000 }), at(2 / 3));
    expect(behind.redLines).toEqual([{ kpi: 'signed', effect: 'deduct', points: 5 }]);
  });
});

describe('KPIs not scored over a view window', () => {
  it('are out of the total, with no score, no missing policy and no red line', () => {
    const card = scorecard([
      kpi('a'),
      kpi('b', {
        missing: { kind: 'zero' },
        redLines: [{ when: { op: 'gte', value: 0 }, effects: [{ kind: 'veto' }] }],
      }),
    ]);
    const s = scoreScorecard(card, actuals({ a: 90, b: 50 }), new Map([['b', { unscored: 'window' as const }]]));
    expect(s.total).toBe(90);
    expect(s.redLines).toEqual([]);
    const b = s.kpis[1];
    expect(b).toMatchObject({ unscored: 'window', score: null, actual: null, missing: false, status: 'missing' });
  });

  it('a card whose every KPI is unscored has no total and no grade', () => {
    const s = scoreScorecard(
      scorecard([kpi('a')]),
      actuals({ a: 90 }),
      new Map([['a', { unscored: 'window' as const }]]),
    );
    expect([s.total, s.grade]).toEqual([null, null]);
  });
});
