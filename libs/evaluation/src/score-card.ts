import {
  isCumulative,
  isRolling,
  type IndicatorDef,
  type OrgSettings,
  type ScorecardDef,
  type WindowName,
} from '#libs/definitions';
import { maxWindowSpanMs } from '#libs/indicators';
import { scoreScorecard, type KpiMoment, type ScorecardScore } from '#libs/scoring';
import { elapsedFraction, periodOfInstant } from '#libs/time';

// A KPI's actual: the indicator's value in the window's period starting at periodStart (NaN for a rolling
// window, which is one running value).
export type ReadActual = (indicator: string, window: WindowName, periodStart: number) => number | null;

// What scoring needs besides the scorecard: the org's time zone and working-day calendar (periods and
// pace), and the indicators (their windows, and whether they are cumulative).
export interface CardContext {
  org: Pick<OrgSettings, 'timeZone' | 'calendar'>;
  indicators: ReadonlyMap<string, IndicatorDef>;
}

export interface CardAt {
  score: ScorecardScore;
  window: WindowName; // the scorecard's period, or the window it was scored over
  periodStart: number; // UTC ms
  periodEnd: number;
}

// One scorecard of one entity as of `at`, in the org's time zone: each KPI's actual is its window's
// period holding `at` — or, `over` another window, that window's (a page's period switcher), where a KPI
// whose indicator is not computed over that window is unscored. A cumulative KPI in its own calendar
// period, which has not closed at `at`, carries its pace. The one scoring step of `evaluate` (actuals
// from the engine) and of the live pipeline (from stored values).
export function scoreCardAt(
  def: ScorecardDef,
  at: number,
  context: CardContext,
  readActual: ReadActual,
  over?: WindowName,
): CardAt {
  return scoreCard(def, at, context, readActual, over, true);
}

// The card of the scorecard's period that closed at `periodEnd`, as closed: its KPIs read the periods
// holding its last instant, every one on its full target, with no pace (docs/definitions.md, Pace).
export function scoreClosedCard(
  def: ScorecardDef,
  periodEnd: number,
  context: CardContext,
  readActual: ReadActual,
): CardAt {
  return scoreCard(def, periodEnd - 1, context, readActual, undefined, false);
}

function scoreCard(
  def: ScorecardDef,
  at: number,
  context: CardContext,
  readActual: ReadActual,
  over: WindowName | undefined,
  open: boolean,
): CardAt {
  const { timeZone, calendar } = context.org;
  const actuals = new Map<string, number | null>();
  const moments = new Map<string, KpiMoment>();
  const elapsedIn = new Map<WindowName, number>(); // one count of working days per window, not per KPI
  for (const kpi of def.kpis) {
    const window = over ?? kpi.window;
    const indicator = context.indicators.get(kpi.indicator);
    if (indicator !== undefined && !indicator.windows.includes(window)) {
      moments.set(kpi.id, { unscored: 'window' });
      continue;
    }
    if (isRolling(window)) {
      actuals.set(kpi.id, readActual(kpi.indicator, window, Number.NaN));
      continue;
    }
    const period = periodOfInstant(window, timeZone, at);
    actuals.set(kpi.id, readActual(kpi.indicator, window, period.start));
    // pace pro-rates the KPI's own target, so only over the KPI's own period; none before any of it elapsed
    if (open && window === kpi.window && indicator !== undefined && isCumulative(indicator)) {
      const elapsed = elapsedIn.get(window) ?? elapsedFraction(period, at, timeZone, calendar);
      elapsedIn.set(window, elapsed);
      if (elapsed > 0) moments.set(kpi.id, { elapsed });
    }
  }
  const score = scoreScorecard(def, actuals, moments);
  const window = over ?? def.period;
  if (isRolling(window)) return { score, window, periodStart: at - maxWindowSpanMs(window), periodEnd: at };
  const period = periodOfInstant(window, timeZone, at);
  return { score, window, periodStart: period.start, periodEnd: period.end };
}
