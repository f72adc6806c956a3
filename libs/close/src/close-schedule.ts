import type { IndicatorDef, ScorecardDef } from '#libs/definitions';
import { periodOfInstant, type Period } from '#libs/time';

// How long after its end a period of the scorecard waits before it is frozen: the card's own grace, or
// the longest allowed lateness of its KPIs' indicators (until then a late event still corrects a value;
// docs/review-and-close.md "Grace").
export function graceOf(def: ScorecardDef, indicators: ReadonlyMap<string, IndicatorDef>): number {
  if (def.close !== undefined) return def.close.graceMs;
  let longest = 0;
  for (const kpi of def.kpis) longest = Math.max(longest, indicators.get(kpi.indicator)?.allowedLatenessMs ?? 0);
  return longest;
}

// How long after a scorecard period's close a late event still reaches its values and so restates the
// frozen card: the live indicator engine keeps periods of a week or longer open this much longer than
// their allowed lateness (docs/review-and-close.md "Restatements"). Later, the event changes nothing.
export const RESTATEMENT_WINDOW_MS = 30 * 86_400_000;

// The moment a period closes: its end (in the org's zone, so a DST change moves it with the local
// midnight) plus the grace.
export const closesAt = (period: Period, graceMs: number): number => period.end + graceMs;

// The latest `count` periods of the scorecard that are due to close at `clock` (end + grace ≤ clock),
// oldest first.
export function duePeriods(
  def: ScorecardDef,
  timeZone: string,
  clock: number,
  graceMs: number,
  count: number,
): Period[] {
  // the period holding clock − grace has not ended by then; the one before it has
  let holding = periodOfInstant(def.period, timeZone, clock - graceMs);
  const out: Period[] = [];
  while (out.length < count) {
    holding = periodOfInstant(def.period, timeZone, holding.start - 1);
    out.unshift(holding);
  }
  return out;
}
