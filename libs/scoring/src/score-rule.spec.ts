import { describe, expect, it } from 'vitest';
import type { Band, ScoringRule } from '#libs/definitions';
import { scoreRule } from './score-rule';

const achievement = (floor: number, cap: number, belowFloorScore = 0): ScoringRule => ({
  kind: 'achievement',
  floor,
  cap,
  belowFloorScore,
});

describe('achievement rule', () => {
  // seed 000 销售经理 三.A.3 回款率 ≥95%; 三 "达成≥目标=100分;80–99%=按比例;<80%=不达标"
  const collection = achievement(0.8, 1);

  it('seed 000 回款率 target 95%: 90% is achievement 0.947, scored proportionally', () => {
    const r = scoreRule(collection, 0.9, 0.95, 'higher');
    expect(r.achievement).toBeCloseTo(0.947368, 6);
    expect(r.score).toBeCloseTo(94.7368, 4);
  });

  it('seed 000 回款率: 70% is below 80% of target and scores 0', () => {
    expect(scoreRule(collection, 0.7, 0.95, 'higher').score).toBe(0);
  });

  it('seed 000 回款率: 100% collected scores 105.26 with a 1.1 cap and 100 with cap 1', () => {
    expect(scoreRule(achievement(0.8, 1.1), 1.0, 0.95, 'higher').score).toBeCloseTo(105.263, 3);
    expect(scoreRule(collection, 1.0, 0.95, 'higher').score).toBe(100);
  });

  it('seed 000: exactly 80% of target is on the floor and scores 80', () => {
    expect(scoreRule(collection, 80, 100, 'higher').score).toBe(80);
    expect(scoreRule(collection, 79.99, 100, 'higher').score).toBe(0);
  });

  it('seed 000 平均销售周期 ≤45 days (lower is better): 40 days is achievement 1.125, capped', () => {
    const capped = scoreRule(achievement(0.8, 1.1), 40, 45, 'lower');
    expect(capped.achievement).toBe(1.1); // the ratio 1.125 as the rule caps it
    expect(scoreRule(achievement(0.8, 1.2), 40, 45, 'lower').achievement).toBeCloseTo(1.125, 10);
    expect(capped.score).toBeCloseTo(110, 10);
    expect(scoreRule(achievement(0.8, 1), 40, 45, 'lower').score).toBe(100);
  });

  it('seed 000 平均销售周期: 50 days scores 90, 60 days falls below the floor', () => {
    expect(scoreRule(achievement(0.8, 1), 50, 45, 'lower').score).toBeCloseTo(90, 10);
    expect(scoreRule(achievement(0.8, 1), 60, 45, 'lower').score).toBe(0);
  });

  it('seed 000 客服主管 五 "超目标至合理上限可加分(最高110分)": floor 0 is proportional all the way down', () => {
    const supervisor = achievement(0, 1.1);
    expect(scoreRule(supervisor, 0.375, 0.75, 'higher').score).toBeCloseTo(50, 10);
    expect(scoreRule(supervisor, 0.9, 0.75, 'higher').score).toBeCloseTo(110, 10);
  });

  it('gives belowFloorScore under the floor', () => {
    expect(scoreRule(achievement(0.8, 1, 20), 50, 100, 'higher').score).toBe(20);
  });

  it('a lower-is-better actual of 0 has no ratio and earns the cap: better than any positive actual', () => {
    const r = scoreRule(achievement(0.8, 1.1), 0, 45, 'lower');
    expect(r.achievement).toBe(1.1); // shown as the cap the score was given, not "–" beside 110
    expect(r.score).toBeCloseTo(110, 10);
    expect(scoreRule({ kind: 'binary', pass: { op: 'lte', value: 0.12 } }, 0, 0.12, 'lower').achievement).toBe(1);
  });

  it('a target of 0 has no ratio: on target is 100, better is the cap, worse is below the floor', () => {
    const rule = achievement(0.8, 1.1, 10);
    expect(scoreRule(rule, 0, 0, 'higher')).toEqual({ score: 100, achievement: 1 });
    expect(scoreRule(rule, 0, 0, 'lower')).toEqual({ score: 100, achievement: 1 });
    expect(scoreRule(rule, 3, 0, 'higher')).toEqual({ score: 110.00000000000001, achievement: 1.1 });
    expect(scoreRule(rule, -1, 0, 'higher')).toEqual({ score: 10, achievement: null });
    // lower, target 0, actual 2: the ratio 0 ÷ 2 = 0 exists and is below the floor
    expect(scoreRule(rule, 2, 0, 'lower')).toEqual({ score: 10, achievement: 0 });
  });
});

describe('bands rule', () => {
  // seed 003 通用版 维度一 平均首响时长: S (0–1分钟]=100, A (1–3]=90, B (3–5]=80, C (5–10]=70, D 10分钟及以上不得分.
  // The seed's C and D overlap at exactly 10 minutes; here C keeps its closed bound (600 s → 70).
  const firstResponse: ScoringRule = {
    kind: 'bands',
    outOf: 100,
    bands: [
      { gt: 0, lte: 60, score: 100, label: 'S' },
      { gt: 60, lte: 180, score: 90, label: 'A' },
      { gt: 180, lte: 300, score: 80, label: 'B' },
      { gt: 300, lte: 600, score: 70, label: 'C' },
      { score: 0, label: 'D' },
    ],
  };

  it.each([
    [45, 100],
    [60, 100],
    [61, 90],
    [180, 90],
    [300, 80],
    [301, 70],
    [600, 70],
    [601, 0],
  ])('seed 003 平均首响时长: %i s scores %i', (seconds, score) => {
    expect(scoreRule(firstResponse, seconds, 60, 'lower').score).toBe(score);
  });

  it('reports the achievement ratio for bands too (lower is better: target ÷ actual)', () => {
    expect(scoreRule(firstResponse, 120, 60, 'lower').achievement).toBe(0.5);
  });

  // seed 003 1)项目支持满意度 ≥95分 → 15分, ≥90 → 12, ≥85 → 10, ≥80 → 5, <80 → 0; out of 15
  const satisfaction: ScoringRule = {
    kind: 'bands',
    outOf: 15,
    bands: [
      { gte: 95, score: 15 },
      { gte: 90, score: 12 },
      { gte: 85, score: 10 },
      { gte: 80, score: 5 },
      { score: 0 },
    ],
  };

  it.each([
    [100, 100],
    [95, 100],
    [92, 80],
    [85, 66.667],
    [80, 33.333],
    [79.9, 0],
  ])('seed 003 满意度 out of 15: %d scores %d', (actual, score) => {
    expect(scoreRule(satisfaction, actual, 95, 'higher').score).toBeCloseTo(score, 3);
  });

  it('the first band that holds wins, even when a later one also holds', () => {
    const bands: Band[] = [
      { gte: 50, score: 70 },
      { gte: 80, score: 100 },
    ];
    expect(scoreRule({ kind: 'bands', outOf: 100, bands }, 90, 80, 'higher').score).toBe(70);
  });

  it('an actual outside every band earns 0', () => {
    const bands: Band[] = [{ gte: 90, score: 100 }];
    expect(scoreRule({ kind: 'bands', outOf: 100, bands }, 50, 90, 'higher').score).toBe(0);
  });
});

describe('linear rule', () => {
  // seed 003 通用版 接通率: 目标值95%, 每高1%加1分, 每低于目标值1%扣1分, 满分值99% (base 100, max 104)
  const answerRate: ScoringRule = {
    kind: 'linear',
    step: 0.01,
    pointsPerStep: 1,
    base: 100,
    min: 0,
    max: 104,
    outOf: 100,
  };

  it.each([
    [0.95, 100],
    [0.97, 102],
    [0.93, 98],
    [0.99, 104],
    [1.0, 104],
    [0.5, 55],
  ])('seed 003 接通率 target 95%: %d scores %d', (actual, score) => {
    expect(scoreRule(answerRate, actual, 0.95, 'higher').score).toBeCloseTo(score, 9);
  });

  it('clamps at min', () => {
    const steep: ScoringRule = { ...answerRate, pointsPerStep: 10 };
    expect(scoreRule(steep, 0.8, 0.95, 'higher').score).toBe(0);
  });

  it('flips the sign for lower is better: each step under the target earns the points', () => {
    const rule: ScoringRule = { kind: 'linear', step: 10, pointsPerStep: 2, base: 100, min: 0, max: 110, outOf: 100 };
    expect(scoreRule(rule, 50, 60, 'lower').score).toBe(102);
    expect(scoreRule(rule, 70, 60, 'lower').score).toBe(98);
  });

  it('normalises by outOf', () => {
    const rule: ScoringRule = { kind: 'linear', step: 0.01, pointsPerStep: 1, base: 5, min: 0, max: 5, outOf: 5 };
    expect(scoreRule(rule, 0.94, 0.95, 'higher').score).toBeCloseTo(80, 9);
  });
});

describe('deduction rule', () => {
  // seed 003 团队配合(1): 一个月出现2次不扣分, 超过2次过错方每次扣3分
  const teamwork = (start: number, outOf: number): ScoringRule => ({
    kind: 'deduction',
    free: 2,
    perOccurrence: 3,
    start,
    min: 0,
    outOf,
  });

  it.each([
    [0, 100],
    [2, 100],
    [3, 97],
    [5, 91],
  ])('seed 003 团队配合 2 free then 3 points each, out of 100: %i faults score %i', (faults, score) => {
    expect(scoreRule(teamwork(100, 100), faults, 2, 'lower').score).toBe(score);
  });

  it('seed 003 团队配合 out of 5: 3 faults leave 2 of 5 points (40), 4 faults stop at min 0', () => {
    expect(scoreRule(teamwork(5, 5), 3, 2, 'lower').score).toBe(40);
    expect(scoreRule(teamwork(5, 5), 4, 2, 'lower').score).toBe(0);
  });

  it('seed 003 低质评价 1 point off per review, out of 4', () => {
    const rule: ScoringRule = { kind: 'deduction', free: 0, perOccurrence: 1, start: 4, min: 0, outOf: 4 };
    expect(scoreRule(rule, 1, 0, 'lower')).toEqual({ score: 75, achievement: 0 });
    expect(scoreRule(rule, 0, 0, 'lower')).toEqual({ score: 100, achievement: 1 });
  });
});

describe('binary rule', () => {
  it('seed 000 敏感信息违规次数 =0: no violation is 100, one is 0', () => {
    const rule: ScoringRule = { kind: 'binary', pass: { op: 'lte', value: 0 } };
    expect(scoreRule(rule, 0, 0, 'lower').score).toBe(100);
    expect(scoreRule(rule, 1, 0, 'lower').score).toBe(0);
  });

  it.each([
    ['eq', 3, 100],
    ['eq', 4, 0],
    ['ne', 4, 100],
    ['ne', 3, 0],
    ['gt', 4, 100],
    ['gt', 3, 0],
    ['gte', 3, 100],
    ['gte', 2, 0],
    ['lt', 2, 100],
    ['lt', 3, 0],
    ['lte', 3, 100],
    ['lte', 4, 0],
  ] as const)('%s 3 with actual %i scores %i', (op, actual, score) => {
    expect(scoreRule({ kind: 'binary', pass: { op, value: 3 } }, actual, 3, 'higher').score).toBe(score);
  });
});
