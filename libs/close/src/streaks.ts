import type { GradeDef, StreakOutcome, StreakOutcomeTest, StreakRuleDef } from '#libs/definitions';
import { assertUnreachable } from './assert-unreachable';

// One closed period's result of one person: the final grade where one was decided, else the computed.
export interface PeriodResult {
  periodStart: string; // ISO
  periodEnd: string;
  total: number | null;
  grade: string | null;
}

export interface StreakResult {
  rule: string;
  outcome: StreakOutcome;
  periods: number; // the rule's
  run: number; // consecutive closed periods, ending with this one, that meet the test
  met: boolean; // run ≥ periods
}

function holds(test: StreakOutcomeTest, grades: readonly GradeDef[], result: PeriodResult): boolean {
  switch (test.kind) {
    case 'total-below':
      return result.total !== null && result.total < test.total;
    case 'grade-at-least': {
      if (result.grade === null) return false;
      const index = grades.findIndex((g) => g.grade === result.grade);
      return index >= 0 && index <= grades.findIndex((g) => g.grade === test.grade);
    }
    default:
      return assertUnreachable(test);
  }
}

// The streak rules at a close, over a person's closed periods oldest first, the one closing last: the
// run counts back from it while the periods follow each other with no gap and the test holds.
export function streakOutcomes(
  rules: readonly StreakRuleDef[],
  grades: readonly GradeDef[],
  history: readonly PeriodResult[],
): StreakResult[] {
  return rules.map((rule) => {
    let run = 0;
    for (let i = history.length - 1; i >= 0; i--) {
      const result = history[i];
      const next = history[i + 1];
      if (result === undefined || !holds(rule.when, grades, result)) break;
      if (next !== undefined && Date.parse(result.periodEnd) !== Date.parse(next.periodStart)) break;
      run++;
    }
    return { rule: rule.id, outcome: rule.outcome, periods: rule.periods, run, met: run >= rule.periods };
  });
}
