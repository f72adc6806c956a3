import type { Direction, ScoringRule } from '#libs/definitions';
import { achievementRatio, meetsTarget } from './achievement';
import { scoreAchievementRule } from './achievement-rule';
import { assertUnreachable } from './assert-unreachable';
import { atBoundary } from './boundary';
import { scoreBandsRule } from './bands-rule';
import { comparisonHolds } from './comparison-holds';
import { scoreDeductionRule } from './deduction-rule';
import { scoreLinearRule } from './linear-rule';

export interface RuleScore {
  score: number; // 0–100, above 100 only where the rule allows it (cap > 1, linear max above outOf)
  // the achievement ratio capped as the rule caps it (the achievement rule at its cap, the others,
  // which score no ratio, at 1: a response 30 times faster than its target is 100 %, not 3,000 %);
  // with no ratio (a division by zero) as the score reads it: 1 on target, the cap when better, null
  // when worse — so a page never shows "–" achievement beside a score of 110
  achievement: number | null;
}

// Unrounded, and so is everything scoreScorecard reports: only a display rounds.
export function scoreRule(rule: ScoringRule, actual: number, target: number, direction: Direction): RuleScore {
  const cap = rule.kind === 'achievement' ? rule.cap : 1;
  return {
    score: ruleScore(rule, actual, target, direction),
    achievement: cappedAchievement(actual, target, direction, cap),
  };
}

function cappedAchievement(actual: number, target: number, direction: Direction, cap: number): number | null {
  const ratio = achievementRatio(actual, target, direction);
  if (ratio !== null) return Math.min(ratio, cap);
  if (atBoundary(actual, target)) return 1;
  return meetsTarget(actual, target, direction) ? cap : null;
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
