import type { Direction, ScoringRule } from '#libs/definitions';

type LinearRule = Extract<ScoringRule, { kind: 'linear' }>;

// base + pointsPerStep per step away from the target, clamped in the rule's own points, then
// normalised to 0–100; for lower-is-better KPIs a step below the target earns the points.
export function scoreLinearRule(rule: LinearRule, actual: number, target: number, direction: Direction): number {
  const distance = direction === 'higher' ? actual - target : target - actual;
  const points = rule.base + (rule.pointsPerStep * distance) / rule.step;
  const clamped = Math.min(rule.max, Math.max(rule.min, points));
  return (clamped * 100) / rule.outOf;
}
