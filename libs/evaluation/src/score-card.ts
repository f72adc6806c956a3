import { isRolling, type ScorecardDef, type WindowName } from '#libs/definitions';
import { maxWindowSpanMs } from '#libs/indicators';
import { scoreScorecard, type ScorecardScore } from '#libs/scoring';
import { periodOfInstant } from '#libs/time';

// A KPI's actual: the indicator's value in the window's period starting at periodStart (NaN for a rolling
// window, which is one running value).
export type ReadActual = (indicator: string, window: WindowName, periodStart: number) => number | null;

export interface CardAt {
  score: ScorecardScore;
  window: WindowName; // the scorecard's period, or the window it was scored over
  periodStart: number; // UTC ms
  periodEnd: number;
}

// One scorecard of one entity as of `at`, in the org's time zone: each KPI's actual is its window's
// period holding `at` — or, `over` another window, that window's (a page's period switcher). The one
// scoring step of `evaluate` (actuals from the engine) and of the live pipeline (from stored values).
export function scoreCardAt(
  def: ScorecardDef,
  at: number,
  timeZone: string,
  readActual: ReadActual,
  over?: WindowName,
): CardAt {
  const actuals = new Map<string, number | null>();
  for (const kpi of def.kpis) {
    const window = over ?? kpi.window;
    const start = isRolling(window) ? Number.NaN : periodOfInstant(window, timeZone, at).start;
    actuals.set(kpi.id, readActual(kpi.indicator, window, start));
  }
  const score = scoreScorecard(def, actuals);
  const window = over ?? def.period;
  if (isRolling(window)) return { score, window, periodStart: at - maxWindowSpanMs(window), periodEnd: at };
  const period = periodOfInstant(window, timeZone, at);
  return { score, window, periodStart: period.start, periodEnd: period.end };
}
