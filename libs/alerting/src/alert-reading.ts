import type { AlertRuleDef, Direction, KpiDef, Shortfall } from '#libs/definitions';
import { below, reaches, type KpiScore, type ScorecardScore } from '#libs/scoring';

// What one rule reads in one scoring moment, for one KPI (or the card):
// fire — the condition holds; clear — it is clearly over (under the resolve threshold);
// hold — between the two thresholds (hysteresis: a firing alert stays, a pending one starts over);
// unknown — too little data to say (no actual, fewer events than minSample, too early for a projection).
export type ReadingLevel = 'fire' | 'hold' | 'clear' | 'unknown';

export interface Reading {
  level: ReadingLevel;
  value: number | null; // what was compared: the shortfall, the projected miss, the streak length; null when unknown
}

const UNKNOWN: Reading = { level: 'unknown', value: null };

// How much worse than the target the actual is, in the shortfall's terms (≤ 0: on target or better).
// A relative shortfall of a zero target is infinite as soon as the actual is worse at all.
export function shortfallOf(actual: number, target: number, direction: Direction, kind: Shortfall['kind']): number {
  const worse = direction === 'higher' ? target - actual : actual - target;
  if (kind === 'margin') return worse;
  if (target === 0) return worse > 0 ? Number.POSITIVE_INFINITY : 0;
  return worse / Math.abs(target);
}

function levelOf(value: number, fireAt: number, resolveUnder: number): Reading {
  if (reaches(value, fireAt)) return { level: 'fire', value };
  if (below(value, resolveUnder)) return { level: 'clear', value };
  return { level: 'hold', value };
}

// One live (not yet closed) scoring of a KPI, read by a red-line, deviation or pace rule. `sample` is the
// number of events behind the actual (the indicator's denominator, or its count); null when not known.
export function readKpi(rule: AlertRuleDef, kpi: KpiDef, score: KpiScore, sample: number | null): Reading {
  const c = rule.condition;
  switch (c.kind) {
    case 'red-line':
      return score.actual === null ? UNKNOWN : { level: score.redLine ? 'fire' : 'clear', value: score.actual };
    case 'deviation': {
      if (score.actual === null || score.unscored !== undefined) return UNKNOWN;
      if (sample === null || sample < c.minSample) return UNKNOWN;
      // while scored on pace, the line is the pro-rated target the score used
      const target = score.pace?.scoredOn === 'pace' ? score.pace.expected : kpi.target;
      const shortfall = shortfallOf(score.actual, target, kpi.direction, c.fireAt.kind);
      return levelOf(shortfall, c.fireAt.value, c.resolveUnder.value);
    }
    case 'pace': {
      const pace = score.pace;
      if (pace === undefined || pace.projected === null || pace.elapsed < c.fromElapsed) return UNKNOWN;
      return levelOf(shortfallOf(pace.projected, kpi.target, kpi.direction, 'relative'), c.missBy, c.resolveUnder);
    }
    case 'streak':
      return UNKNOWN; // read over closed periods: readStreak
  }
}

// One closed period of a card, for streaks: consecutive when each ends where the next starts.
export interface ClosedPeriod {
  periodStart: number;
  periodEnd: number;
  score: ScorecardScore;
}

// Whether a closed period missed, for the rule's test; null when it had no data to tell.
function missed(rule: AlertRuleDef, kpi: KpiDef | undefined, period: ClosedPeriod): boolean | null {
  if (rule.condition.kind !== 'streak') return null;
  const test = rule.condition.when;
  if (test.kind === 'total-below') return period.score.total === null ? null : below(period.score.total, test.total);
  const score = period.score.kpis.find((k) => k.kpi === kpi?.id);
  if (kpi === undefined || score === undefined) return null;
  if (test.kind === 'score-below') return score.score === null ? null : below(score.score, test.score);
  if (score.actual === null) return null;
  return kpi.direction === 'higher' ? below(score.actual, kpi.target) : below(kpi.target, score.actual);
}

// A streak rule over an entity's closed periods, oldest first: fire when the last `periods` of them are
// consecutive and each missed; clear when the latest did not miss; hold when it missed but the run is
// still short (a firing streak stays). value: the length of the run of misses ending with the latest.
export function readStreak(rule: AlertRuleDef, kpi: KpiDef | undefined, history: readonly ClosedPeriod[]): Reading {
  if (rule.condition.kind !== 'streak' || history.length === 0) return UNKNOWN;
  let run = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const period = history[i] as ClosedPeriod;
    const next = history[i + 1];
    if (next !== undefined && period.periodEnd !== next.periodStart) break; // a gap ends the run
    const miss = missed(rule, kpi, period);
    if (miss === null) {
      if (i === history.length - 1) return UNKNOWN;
      break;
    }
    if (!miss) break;
    run++;
  }
  if (run === 0) return { level: 'clear', value: 0 };
  return { level: run >= rule.condition.periods ? 'fire' : 'hold', value: run };
}
