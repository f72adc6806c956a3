import { describe, expect, it } from 'vitest';
import type { ScoringRule } from '#libs/definitions';
import { scoreAchievementRule } from './achievement-rule';

const rule = { kind: 'achievement', floor: 0.8, cap: 1.2, belowFloorScore: 10 } as Extract<
  ScoringRule,
  { kind: 'achievement' }
>;

describe('the achievement rule without a ratio (a division by zero)', () => {
  it('higher is better against a target of 0: on it 100, above the cap, below the floor score', () => {
    expect(scoreAchievementRule(rule, 0, 0, 'higher')).toBe(100);
    expect(scoreAchievementRule(rule, 0.5, 0, 'higher')).toBe(120);
    expect(scoreAchievementRule(rule, -0.5, 0, 'higher')).toBe(10);
  });

  it('lower is better with an actual of 0: better than any positive target, worse than a negative one', () => {
    expect(scoreAchievementRule(rule, 0, 45, 'lower')).toBe(120);
    expect(scoreAchievementRule(rule, 0, -1, 'lower')).toBe(10);
  });

  it('with a ratio: the floor itself scores, just below it does not', () => {
    expect(scoreAchievementRule(rule, 80, 100, 'higher')).toBe(80);
    expect(scoreAchievementRule(rule, 79.99, 100, 'higher')).toBe(10);
    expect(scoreAchievementRule(rule, 125, 100, 'lower')).toBe(80);
  });
});
