import { describe, expect, it } from 'vitest';
import type { KpiDef, ScoringRule } from '#libs/definitions';
import { actuals, dimension, kpi, scorecard, SEED_002_GRADES, SEED_003_GRADES } from './scorecard.fixture';
import { scoreScorecard } from './score-scorecard';

// Two dimensions 60/40: `fast` (w 3) and `slow` (w 1) in efficiency, `csat` alone in quality. Targets are
// 100 with an achievement rule, so a KPI's score is its actual.
function twoDimensionCard(missing: KpiDef['missing'] = { kind: 'exclude' }) {
  return scorecard(
    [
      kpi('fast', { dimension: 'efficiency', weight: 3 }),
      kpi('slow', { dimension: 'efficiency', weight: 1, missing }),
      kpi('csat', { dimension: 'quality', weight: 1 }),
    ],
    [dimension('efficiency', 60), dimension('quality', 40)],
  );
}

describe('scoreScorecard aggregation', () => {
  it('dimension = KPI-weighted mean, total = dimension-weighted mean', () => {
    const s = scoreScorecard(twoDimensionCard(), actuals({ fast: 100, slow: 60, csat: 80 }));
    // efficiency (3 × 100 + 1 × 60) ÷ 4 = 90; total 0.6 × 90 + 0.4 × 80 = 86
    expect(s.dimensions.map((d) => [d.dimension, d.weight, d.score])).toEqual([
      ['efficiency', 60, 90],
      ['quality', 40, 80],
    ]);
    expect(s.total).toBe(86);
    expect(s.grade).toBe('B');
    expect(s.coefficient).toBe(1.2);
    expect(s.bonus).toBeNull();
    expect(s.redLines).toEqual([]);
    expect(s.deducted).toBe(0);
  });

  it('reports every KPI in definition order with its definition and exact numbers', () => {
    const card = scorecard([
      kpi('collection', {
        target: 0.95,
        rule: { kind: 'achievement', floor: 0.8, cap: 1, belowFloorScore: 0 },
        name: { en: 'Collection rate', zh: '回款率' },
      }),
    ]);
    const [k] = scoreScorecard(card, actuals({ collection: 0.9 })).kpis;
    expect(k).toEqual({
      kpi: 'collection',
      indicator: 'test.collection',
      name: { en: 'Collection rate', zh: '回款率' },
      dimension: 'main',
      actual: 0.9,
      target: 0.95,
      achievement: 0.9 / 0.95,
      score: (0.9 / 0.95) * 100,
      weight: 1,
      status: 'amber',
      redLine: false,
      missing: false,
    });
  });

  it('reports the total, dimension scores and KPI scores unrounded', () => {
    const card = scorecard([kpi('a'), kpi('b'), kpi('c')]);
    const s = scoreScorecard(card, actuals({ a: 10.006, b: 10.006, c: 10.001 }));
    expect(s.kpis.map((k) => k.score)).toEqual([10.006, 10.006, 10.001]);
    // 30.013 ÷ 3 = 10.00433…, not 10 (rounded) nor 10.0067 (the mean of rounded scores)
    expect(s.total).toBeCloseTo(10.004333333, 9);
    expect(s.dimensions[0]?.score).toBe(s.total);
  });
});

describe('missing data', () => {
  it('exclude: the KPI weight goes to the others of its dimension', () => {
    const s = scoreScorecard(twoDimensionCard(), actuals({ fast: 100, csat: 80 }));
    // efficiency = 100 (slow excluded); total 0.6 × 100 + 0.4 × 80 = 92
    expect(s.dimensions[0]?.score).toBe(100);
    expect(s.total).toBe(92);
    const slow = s.kpis[1];
    expect(slow).toMatchObject({
      kpi: 'slow',
      actual: null,
      achievement: null,
      score: null,
      status: 'missing',
      missing: true,
    });
  });

  it('exclude: a dimension with no data leaves the total and its weight goes to the others', () => {
    const s = scoreScorecard(twoDimensionCard(), actuals({ fast: 100, slow: 60, csat: null }));
    expect(s.dimensions[1]?.score).toBeNull();
    expect(s.total).toBe(90);
    expect(s.grade).toBe('A');
  });

  it('an absent actual is the same as null', () => {
    const withNull = scoreScorecard(twoDimensionCard(), actuals({ fast: 100, slow: null, csat: 80 }));
    const absent = scoreScorecard(twoDimensionCard(), actuals({ fast: 100, csat: 80 }));
    expect(absent).toEqual(withNull);
  });

  it('no data at all: total, grade, coefficient and bonus are null', () => {
    const s = scoreScorecard(twoDimensionCard(), actuals({}));
    expect(s.total).toBeNull();
    expect(s.grade).toBeNull();
    expect(s.coefficient).toBeNull();
    expect(s.bonus).toBeNull();
    expect(s.dimensions.every((d) => d.score === null)).toBe(true);
    expect(s.kpis.every((k) => k.status === 'missing')).toBe(true);
  });

  it.each([
    // efficiency (3 × 100 + 1 × missing score) ÷ 4, total 0.6 × efficiency + 0.4 × 80
    [{ kind: 'zero' } as const, 0, 77],
    [{ kind: 'full' } as const, 100, 92],
    [{ kind: 'score', score: 60 } as const, 60, 86],
  ])('%o scores the KPI %d: total %d', (policy, kpiScore, total) => {
    const s = scoreScorecard(twoDimensionCard(policy), actuals({ fast: 100, csat: 80 }));
    expect(s.kpis[1]).toMatchObject({ score: kpiScore, status: 'missing', missing: true, actual: null });
    expect(s.total).toBe(total);
  });

  it('a NaN actual is no data, never a number', () => {
    const s = scoreScorecard(twoDimensionCard(), actuals({ fast: 100, slow: Number.NaN, csat: 80 }));
    expect(s.kpis[1]?.missing).toBe(true);
    expect(s.total).toBe(92);
  });

  it('a red line is not tested while its KPI has no data', () => {
    const card = scorecard([
      kpi('a'),
      kpi('b', { missing: { kind: 'zero' }, redLines: [{ when: 'target-missed', effects: [{ kind: 'veto' }] }] }),
    ]);
    const s = scoreScorecard(card, actuals({ a: 100 }));
    expect(s.redLines).toEqual([]);
    expect(s.total).toBe(50);
  });
});

describe('status', () => {
  const card = scorecard(
    [kpi('k', { redLines: [{ when: { op: 'gt', value: 120 }, effects: [{ kind: 'deduct', points: 1 }] }] })],
    undefined,
    {
      status: { green: 95, amber: 80 },
    },
  );

  it.each([
    [100, 'green'],
    [95, 'green'],
    [94.99, 'amber'],
    [80, 'amber'],
    [79.99, 'red'],
  ])('actual %d is %s', (actual, status) => {
    expect(scoreScorecard(card, actuals({ k: actual })).kpis[0]?.status).toBe(status);
  });

  it('compares the exact score: 94.999 shows as 95.00 and is amber', () => {
    expect(scoreScorecard(card, actuals({ k: 94.999 })).kpis[0]?.status).toBe('amber');
  });

  it('issue 12: a KPI score of 99.9977 with green at 100 is not green', () => {
    const greenAt100 = scorecard([kpi('k')], undefined, { status: { green: 100, amber: 80 } });
    const [k] = scoreScorecard(greenAt100, actuals({ k: 99.9977 })).kpis;
    expect(k?.score).toBe(99.9977);
    expect(k?.status).toBe('amber');
  });

  // docs/definitions.md: the status follows the score alone; the red line is flagged, not coloured
  it('a crossed red line leaves the status to the score', () => {
    const s = scoreScorecard(card, actuals({ k: 130 }));
    expect(s.kpis[0]).toMatchObject({ redLine: true, status: 'green' });
    expect(s.redLines).toEqual([{ kpi: 'k', effect: 'deduct', points: 1 }]);
  });

  it('issue 12: a compliance KPI at 98.32 with a crossed red line is amber, not red', () => {
    const compliance = scorecard(
      [kpi('compliance', { redLines: [{ when: 'target-missed', effects: [{ kind: 'deduct', points: 5 }] }] })],
      undefined,
      { status: { green: 100, amber: 95 } },
    );
    const [k] = scoreScorecard(compliance, actuals({ compliance: 98.32 })).kpis;
    expect(k).toMatchObject({ score: 98.32, redLine: true, status: 'amber' });
  });
});

describe('red lines', () => {
  // seed 000 销售经理 五 "关键红线指标(回款率、折扣合规、逾期应收)若未达标则全局扣分5–10分": 5 each, at most 10
  const floor80: ScoringRule = { kind: 'achievement', floor: 0.8, cap: 1, belowFloorScore: 0 };
  const deduct5 = [{ when: 'target-missed' as const, effects: [{ kind: 'deduct' as const, points: 5 }] }];
  const salesManager = scorecard(
    [
      kpi('signed', { dimension: 'results', target: 8_000_000, rule: floor80 }),
      kpi('collection_rate', { dimension: 'results', target: 0.95, rule: floor80, redLines: deduct5 }),
      kpi('discount_compliance', { dimension: 'risk', target: 1, rule: floor80, redLines: deduct5 }),
      kpi('overdue_ratio', { dimension: 'risk', direction: 'lower', target: 0.03, rule: floor80, redLines: deduct5 }),
    ],
    [dimension('results', 30), dimension('risk', 7)],
    { maxDeduction: 10 },
  );
  const allMet = { signed: 8_000_000, collection_rate: 0.95, discount_compliance: 1, overdue_ratio: 0.03 };

  it('seed 000 销售经理: every red-line KPI exactly on target deducts nothing', () => {
    const s = scoreScorecard(salesManager, actuals(allMet));
    expect(s.total).toBe(100);
    expect(s.deducted).toBe(0);
    expect(s.redLines).toEqual([]);
  });

  it('seed 000 销售经理: one red line missed deducts 5', () => {
    const s = scoreScorecard(salesManager, actuals({ ...allMet, collection_rate: 0.94 }));
    expect(s.redLines).toEqual([{ kpi: 'collection_rate', effect: 'deduct', points: 5 }]);
    expect(s.deducted).toBe(5);
    // results (100 + 98.947…) ÷ 2 = 99.47…; total (30 × 99.47… + 7 × 100) ÷ 37 − 5
    expect(s.total).toBeCloseTo(((30 * (100 + (0.94 / 0.95) * 100)) / 2 + 700) / 37 - 5, 2);
    // 0.94 ÷ 0.95 = 98.95 is at least amber (80): the red line deducts, it does not recolour the KPI
    expect(s.kpis[1]).toMatchObject({ redLine: true, status: 'amber' });
  });

  it('seed 000 销售经理: two red lines missed deduct 10, three are still capped at 10', () => {
    const two = scoreScorecard(salesManager, actuals({ ...allMet, collection_rate: 0.94, overdue_ratio: 0.05 }));
    expect(two.deducted).toBe(10);
    expect(two.redLines.map((h) => h.kpi)).toEqual(['collection_rate', 'overdue_ratio']);
    const three = scoreScorecard(
      salesManager,
      actuals({ ...allMet, collection_rate: 0.94, discount_compliance: 0.99, overdue_ratio: 0.05 }),
    );
    expect(three.deducted).toBe(10);
    expect(three.redLines).toHaveLength(3);
    const undeducted = scoreScorecard(
      { ...salesManager, kpis: salesManager.kpis.map((k) => ({ ...k, redLines: [] })) },
      actuals({ ...allMet, collection_rate: 0.94, discount_compliance: 0.99, overdue_ratio: 0.05 }),
    );
    expect(three.total).toBeCloseTo((undeducted.total ?? Number.NaN) - 10, 2);
  });

  it('without maxDeduction every deduction counts, and the total stops at 0', () => {
    const card = scorecard([
      kpi('a', { redLines: [{ when: 'target-missed', effects: [{ kind: 'deduct', points: 30 }] }] }),
      kpi('b', { redLines: [{ when: 'target-missed', effects: [{ kind: 'deduct', points: 30 }] }] }),
    ]);
    const s = scoreScorecard(card, actuals({ a: 50, b: 50 }));
    expect(s.deducted).toBe(60);
    expect(s.total).toBe(0);
    expect(s.grade).toBe('D');
  });

  // seed 004 二.4 "一旦出现重大合规违规事件,该项记零分,总绩效上限为 B 或 C"
  it('seed 004: a major compliance violation zeroes its KPI and caps a 95 total at B', () => {
    const card = scorecard(
      [
        kpi('results', { dimension: 'results' }),
        kpi('violations', {
          dimension: 'compliance',
          direction: 'lower',
          target: 0,
          // a deduction rule alone would leave 90 points for one violation: zero-kpi overrides it
          rule: { kind: 'deduction', free: 0, perOccurrence: 10, start: 100, min: 0, outOf: 100 },
          redLines: [
            { when: { op: 'gt', value: 0 }, effects: [{ kind: 'zero-kpi' }, { kind: 'cap-grade', grade: 'B' }] },
          ],
        }),
      ],
      [dimension('results', 95), dimension('compliance', 5)],
    );
    const s = scoreScorecard(card, actuals({ results: 100, violations: 1 }));
    expect(s.kpis[1]).toMatchObject({ score: 0, redLine: true, status: 'red' });
    expect(s.dimensions[1]?.score).toBe(0);
    expect(s.total).toBe(95);
    expect(s.grade).toBe('B');
    expect(s.coefficient).toBe(1.2);
    expect(s.redLines).toEqual([
      { kpi: 'violations', effect: 'zero-kpi' },
      { kpi: 'violations', effect: 'cap-grade', grade: 'B' },
    ]);
    const clean = scoreScorecard(card, actuals({ results: 100, violations: 0 }));
    expect([clean.total, clean.grade]).toEqual([100, 'A']);
  });

  // seed 000 产品经理 "如P0故障发生则质量维度记0分"
  it('seed 000 PM: a P0 incident zeroes the quality dimension', () => {
    const card = scorecard(
      [
        kpi('delivery', { dimension: 'delivery' }),
        kpi('release_pass', { dimension: 'quality', weight: 3 }),
        kpi('p0_incidents', {
          dimension: 'quality',
          direction: 'lower',
          target: 0,
          rule: { kind: 'binary', pass: { op: 'lte', value: 0 } },
          redLines: [{ when: { op: 'gte', value: 1 }, effects: [{ kind: 'zero-dimension' }] }],
        }),
      ],
      [dimension('delivery', 70), dimension('quality', 30)],
    );
    const s = scoreScorecard(card, actuals({ delivery: 90, release_pass: 100, p0_incidents: 1 }));
    // release_pass keeps its own score; the dimension is 0 and the total 0.7 × 90 = 63
    expect(s.kpis[1]?.score).toBe(100);
    expect(s.dimensions[1]?.score).toBe(0);
    expect(s.total).toBe(63);
    expect(s.redLines).toEqual([{ kpi: 'p0_incidents', effect: 'zero-dimension' }]);
    // without the incident: quality (3 × 100 + 100) ÷ 4 = 100, total 0.7 × 90 + 30 = 93
    expect(scoreScorecard(card, actuals({ delivery: 90, release_pass: 100, p0_incidents: 0 })).total).toBe(93);
  });

  it('veto: the total is 0 and the grade the lowest', () => {
    const card = scorecard([
      kpi('sales'),
      kpi('privacy', {
        direction: 'lower',
        target: 0,
        rule: { kind: 'binary', pass: { op: 'lte', value: 0 } },
        missing: { kind: 'zero' },
        redLines: [{ when: { op: 'gt', value: 0 }, effects: [{ kind: 'veto' }] }],
      }),
    ]);
    const s = scoreScorecard(card, actuals({ sales: 100, privacy: 2 }));
    expect(s.total).toBe(0);
    expect(s.grade).toBe('D');
    expect(s.coefficient).toBe(0.6);
    expect(s.dimensions[0]?.score).toBe(50);
    expect(s.redLines).toEqual([{ kpi: 'privacy', effect: 'veto' }]);
  });

  it('target-missed follows the direction and compares the actual, not the score', () => {
    const card = scorecard([
      kpi('cycle', {
        direction: 'lower',
        target: 45,
        rule: { kind: 'achievement', floor: 0, cap: 1.1, belowFloorScore: 0 },
        redLines: [{ when: 'target-missed', effects: [{ kind: 'cap-grade', grade: 'C' }] }],
      }),
    ]);
    expect(scoreScorecard(card, actuals({ cycle: 45 })).redLines).toEqual([]);
    expect(scoreScorecard(card, actuals({ cycle: 40 })).grade).toBe('A');
    const missed = scoreScorecard(card, actuals({ cycle: 46 }));
    // 45 ÷ 46 = 97.83 would be an A: the cap makes it a C
    expect(missed.total).toBeCloseTo(97.826, 3);
    expect(missed.grade).toBe('C');
  });
});

describe('grades', () => {
  const single = (grades = SEED_002_GRADES) => scorecard([kpi('k')], undefined, { grades });

  it.each([
    [89.99, 'B', 1.2],
    [90, 'A', 1.5],
    [69.9, 'D', 0.6],
  ])('seed 002: total %d is %s ×%d', (total, grade, coefficient) => {
    const s = scoreScorecard(single(), actuals({ k: total }));
    expect([s.total, s.grade, s.coefficient]).toEqual([total, grade, coefficient]);
  });

  it.each([
    [95.5, 'A', 300],
    [95, 'B', 200],
    [75, 'D', -200],
  ])('seed 003 bonus: total %d is %s with bonus %d', (total, grade, bonus) => {
    const s = scoreScorecard(single(SEED_003_GRADES), actuals({ k: total }));
    expect([s.total, s.grade, s.bonus, s.coefficient]).toEqual([total, grade, bonus, null]);
  });

  it('issue 12: grades the exact total, 89.9962 (shown as 90.00) is a B ×1.2', () => {
    const s = scoreScorecard(single(), actuals({ k: 89.9962 }));
    expect([s.total, s.grade, s.coefficient]).toEqual([89.9962, 'B', 1.2]);
  });

  it('issue 12: on seed 003 (A above 95) 95.004 (shown as 95.00) is an A with bonus 300', () => {
    const s = scoreScorecard(single(SEED_003_GRADES), actuals({ k: 95.004 }));
    expect(s.total).toBeCloseTo(95.004, 9);
    expect([s.grade, s.bonus]).toEqual(['A', 300]);
  });
});
