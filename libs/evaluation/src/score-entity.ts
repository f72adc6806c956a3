import type { ScorecardDef } from '#libs/definitions';
import type { EntityRef, IndicatorEngine } from '#libs/indicators';
import { scoreScorecard, type ScorecardScore } from '#libs/scoring';

// The scorecard of one entity, from the engine's current values: the same step the live pipeline runs.
export function scoreEntity(engine: IndicatorEngine, def: ScorecardDef, entity: EntityRef): ScorecardScore {
  const actuals = new Map<string, number | null>();
  for (const kpi of def.kpis) {
    actuals.set(kpi.id, engine.value(kpi.indicator, entity, kpi.window)?.value ?? null);
  }
  return scoreScorecard(def, actuals);
}
