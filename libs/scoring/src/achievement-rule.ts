import type { Direction, ScoringRule } from '#libs/definitions';
import { achievementRatio, meetsTarget } from './achievement';
import { atBoundary, below } from './boundary';

type AchievementRule = Extract<ScoringRule, { kind: 'achievement' }>;

// a < floor → belowFloorScore; else min(a, cap) × 100.
export function scoreAchievementRule(
  rule: AchievementRule,
  actual: number,
  target: number,
  direction: Direction,
): number {
  const achievement = achievementRatio(actual, target, direction);
  if (achievement === null) return scoreWithoutRatio(rule, actual, target, direction);
  if (below(achievement, rule.floor)) return rule.belowFloorScore;
  return Math.min(achievement, rule.cap) * 100;
}

// With no ratio (a division by zero) the actual is compared with the target instead: exactly on target
// (0 of 0) is 100; better without bound (0 days against a 45-day target, anything above a target of 0)
// earns the cap, as a ratio tending to infinity would; worse is below the floor.
function scoreWithoutRatio(rule: AchievementRule, actual: number, target: number, direction: Direction): number {
  if (atBoundary(actual, target)) return 100;
  return meetsTarget(actual, target, direction) ? rule.cap * 100 : rule.belowFloorScore;
}
