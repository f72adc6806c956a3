import type { Direction, ScoringRule } from '#libs/definitions';
import { achievementRatio } from './achievement';
import { scoreAchievementRule } from './achievement-rule';
import { assertUnreachable } from './assert-unreachable';
import { scoreBandsRule } from './bands-rule';
import { comparisonHolds } from './comparison-holds';
import { scoreDeductionRule } from './deduction-rule';
import { scoreLinearRule } from './linear-rule';

export interface RuleScore {
  score: number; // 0–100, above 100 only where the rule allows it (cap > 1, linear max above outOf)
  achievement: number | null; // reported for every rule; null when the ratio divides by zero
}

// Unrounded, and so is everything scoreScorecard reports: only a display rounds.
export function scoreRule(rule: ScoringRule, actual: number, target: number, direction: Direction): RuleScore {
  return {
    score: ruleScore(rule, actual, target, direction),
    achievement: achievementRatio(actual, target, direction),
  };
}

function ruleScore(rule: ScoringRule, actual: number, target: number, direction: Direction): number {
  switch (rule.kind) {
    case 'achievement':
      return scoreAchievementRule(rule, actual, target, direction);
    case 'bands':
      return scoreBandsRule(rule, actual);
    case 'linear':
      return scoreLinearRule(rule, actual, target, direction);
    case 'deduction':
      return scoreDeductionRule(rule, actual);
    case 'binary':
      return comparisonHolds(actual, rule.pass) ? 100 : 0;
    default:
      return assertUnreachable(rule);
  }
}
