import type { Localized } from '#libs/definitions';

export type KpiStatus = 'green' | 'amber' | 'red' | 'missing';

// Every number here is exact (unrounded IEEE doubles): grades, statuses and bonuses are decided on them,
// and only a display (the web page, `evaluate --format table`) rounds.

export interface KpiScore {
  kpi: string;
  indicator: string;
  name: Localized;
  dimension: string;
  actual: number | null;
  target: number;
  achievement: number | null;
  score: number | null; // after the missing policy and zero-kpi; null only when excluded
  weight: number; // as defined, before any redistribution
  status: KpiStatus;
  redLine: boolean; // a red line of this KPI was crossed
  missing: boolean;
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
