import type { Localized } from '#libs/definitions';

export type KpiStatus = 'green' | 'amber' | 'red' | 'missing';

// Every number here is exact (unrounded IEEE doubles): grades, statuses and bonuses are decided on them,
// and only a display (the web page, `evaluate --format table`) rounds.

// Pace of a cumulative KPI in a calendar period that has not closed yet (absent otherwise).
// For a lower-is-better KPI `expected` is still target × elapsed (the allowance so far) and the gap's sign
// is flipped (1 − actual ÷ expected), so that a positive gap is good in either direction.
export interface KpiPace {
  elapsed: number; // fraction of the period elapsed at the scoring moment, in (0, 1]: by time, or by the org's working days
  expected: number; // the pro-rated target at that moment (target × elapsed for higher-is-better)
  projected: number | null; // run-rate projection of the actual to the period end (actual ÷ elapsed); null when actual is null
  gap: number | null; // actual ÷ expected − 1: 0.05 = ahead of pace by 5 %, −0.12 = behind pace by 12 %
  scoredOn: 'pace' | 'target'; // whether `score` compared the actual with `expected` (pace) or with the full target
}

export interface KpiScore {
  kpi: string;
  indicator: string;
  name: Localized;
  dimension: string;
  actual: number | null;
  target: number;
  // the ratio the score was computed from (against `pace.expected` when scored on pace), capped as the
  // rule caps it: at the achievement rule's cap, at 1 for the rules that score no ratio
  achievement: number | null;
  score: number | null; // after the missing policy and zero-kpi; null only when excluded or unscored
  weight: number; // as defined, before any redistribution
  status: KpiStatus;
  redLine: boolean; // a red line of this KPI was crossed
  missing: boolean;
  pace?: KpiPace;
  unscored?: 'window'; // scored over a view window (e.g. rolling:24h) its indicator does not provide: no score, out of the total
}

export interface DimensionScore {
  dimension: string;
  name: Localized;
  weight: number;
  score: number | null; // null = no data, excluded from the total
}

export type RedLineHitEffect = 'veto' | 'zero-dimension' | 'zero-kpi' | 'deduct' | 'cap-grade';

export interface RedLineHit {
  kpi: string;
  effect: RedLineHitEffect;
  points?: number; // deduct
  grade?: string; // cap-grade
}

export interface ScorecardScore {
  scorecard: string;
  version: number;
  kpis: KpiScore[];
  dimensions: DimensionScore[];
  total: number | null; // null when no KPI has data or a score
  grade: string | null;
  coefficient: number | null;
  bonus: number | null;
  redLines: RedLineHit[];
  deducted: number; // red-line points charged, after maxDeduction (the total itself stops at 0)
}
