import type { Localized } from '#libs/definitions';
import type { KpiStatus } from '#libs/scoring';
import type { ReviewWeek } from './review-week';

// A KPI's line on a team's card as it stood at a week's end. `score` and `status` are null where the
// store kept only the actual (an open period read from its history); `projected` is the run-rate
// projection to the period's end, null for a KPI that does not accumulate or a period already over.
export interface ResultKpi {
  kpi: string;
  name: Localized;
  unit: string; // the indicator's: ratio, count, amount, seconds…
  direction: 'higher' | 'lower';
  actual: number | null;
  target: number;
  score: number | null;
  status: KpiStatus | null;
  redLine: boolean;
  projected: number | null;
}

export interface ResultCard {
  scorecard: string;
  name: Localized;
  window: string; // the scorecard's period: week, month, quarter, year
  periodStart: number;
  periodEnd: number; // exclusive
  closed: boolean; // the period had ended by the week's end: this is its closing card
  frozen: boolean; // the period was closed: this is its frozen result of record, not the live card
  restatement: string | null; // the approved restatement the frozen result in effect comes from
  total: number | null;
  grade: string | null;
  kpis: ResultKpi[];
}

export interface RedLineEvent {
  scorecard: string;
  kpi: string;
  effect: string; // the red line's effect (veto, deduct…), as the breach recorded it
  level: string; // team or agent
  entityId: string;
  openedAt: number;
  resolvedAt: number | null;
}

export interface FiredAlert {
  scorecard: string;
  rule: string;
  kpi: string; // '' for the card's total
  name: Localized;
  severity: string;
  level: string;
  entityId: string;
  at: number;
  value: number | null;
}

export interface TeamRef {
  orgId: string;
  teamId: string;
}

// The port the review pack reads a week's results through: a period the week ended that has been
// closed is read from its frozen result in effect (so a closed week's pack is the same every time it is
// made, unless a restatement is approved), a period still open from the live cards and their history.
export interface PeriodResults {
  // each of the team's scorecards as it stood at the week's end (the card of the period holding the
  // week's last instant)
  teamCards(team: TeamRef, week: ReviewWeek): Promise<ResultCard[]>;
  // red-line breaches of the team and its agents opened or resolved within the week
  redLines(team: TeamRef, agents: readonly string[], week: ReviewWeek): Promise<RedLineEvent[]>;
  // alerts that fired within the week on the team or its agents
  alertsFired(team: TeamRef, agents: readonly string[], week: ReviewWeek): Promise<FiredAlert[]>;
  // a team indicator's value over the week's calendar period (the week window), null when none: the
  // frozen value where a closed card of the team read it
  weekValue(team: TeamRef, indicator: string, week: ReviewWeek): Promise<number | null>;
}
