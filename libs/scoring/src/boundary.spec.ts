import { describe, expect, it } from 'vitest';
import type { ScoringRule } from '#libs/definitions';
import { compareAtBoundary } from './boundary';
import { actuals, kpi, scorecard } from './scorecard.fixture';
import { scoreRule } from './score-rule';
import { scoreScorecard } from './score-scorecard';

describe('boundaries decided as a person computes them, not on float noise', () => {
  it('0.72 of a 0.9 target is exactly 80 %: on the 0.8 floor, amber at 80, grade B at 80', () => {
    expect(0.72 / 0.9).toBeLessThan(0.8); // the noise this guards against: it used to score 0
    const rule: ScoringRule = { kind: 'achievement', floor: 0.8, cap: 1, belowFloorScore: 0 };
    expect(scoreRule(rule, 0.72, 0.9, 'higher').score).toBeCloseTo(80, 12);
    const s = scoreScorecard(scorecard([kpi('k', { target: 0.9, rule })]), actuals({ k: 0.72 }));
    expect(s.kpis[0]?.status).toBe('amber');
    expect(s.grade).toBe('B');
    // a score of 79.99999999999999 (80 to a person) is amber too
    const [noisy] = scoreScorecard(scorecard([kpi('k')]), actuals({ k: 79.99999999999999 })).kpis;
    expect(noisy?.score).toBeLessThan(80);
    expect(noisy?.status).toBe('amber');
  });

  it('bands, comparisons and target-missed red lines hold on the noisy side of their bound', () => {
    const bands: ScoringRule = { kind: 'bands', outOf: 100, bands: [{ gte: 0.3, score: 100 }, { score: 0 }] };
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(scoreRule(bands, 0.1 + 0.2, 0, 'higher').score).toBe(100);
    const lte: ScoringRule = { kind: 'binary', pass: { op: 'lte', value: 0.3 } };
    expect(scoreRule(lte, 0.1 + 0.2, 0, 'lower').score).toBe(100);
    const lt: ScoringRule = { kind: 'binary', pass: { op: 'lt', value: 0.3 } };
    expect(scoreRule(lt, 0.1 + 0.2, 0, 'lower').score).toBe(0);
    const line = kpi('k', { target: 0.3, redLines: [{ when: 'target-missed', effects: [{ kind: 'veto' }] }] });
    expect(scoreScorecard(scorecard([line]), actuals({ k: 0.1 + 0.2 })).redLines).toEqual([]);
  });

  it('real differences still decide: 89.9962 and 90 − 1e-9 are below 90', () => {
    expect(compareAtBoundary(89.9962, 90)).toBe(-1);
    expect(compareAtBoundary(90 - 1e-9, 90)).toBe(-1);
    expect(compareAtBoundary(90 + 1e-9, 90)).toBe(1);
    expect(compareAtBoundary(79.99999999999999, 80)).toBe(0);
    expect(compareAtBoundary(0, 1e-300)).toBe(-1); // relative: nothing is close to 0 but 0
    expect(compareAtBoundary(5, Number.NEGATIVE_INFINITY)).toBe(1);
    expect(compareAtBoundary(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(0);
  });
});

describe('achievement as the rule caps it', () => {
  it('a bands rule on a lower-is-better response time shows 100 %, not 3,060 %', () => {
    const rule: ScoringRule = { kind: 'bands', outOf: 100, bands: [{ lte: 60, score: 100 }, { score: 0 }] };
    expect(scoreRule(rule, 60 / 30.6, 60, 'lower').achievement).toBe(1);
    expect(scoreRule(rule, 120, 60, 'lower').achievement).toBe(0.5);
  });

  it('an achievement rule shows its ratio up to its cap', () => {
    const rule: ScoringRule = { kind: 'achievement', floor: 0.8, cap: 1.1, belowFloorScore: 0 };
    expect(scoreRule(rule, 2, 1, 'higher').achievement).toBe(1.1);
    expect(scoreRule(rule, 0.5, 1, 'higher').achievement).toBe(0.5);
  });
});
