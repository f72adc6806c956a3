import type { ScoringRule } from '#libs/definitions';

type DeductionRule = Extract<ScoringRule, { kind: 'deduction' }>;

// The actual is a count of occurrences: the first `free` cost nothing, each further one perOccurrence
// points of the rule's own scale, never below min; then normalised to 0–100.
export function scoreDeductionRule(rule: DeductionRule, actual: number): number {
  const charged = Math.max(0, actual - rule.free);
  const points = Math.max(rule.min, rule.start - rule.perOccurrence * charged);
  return (points * 100) / rule.outOf;
}
