import type { DefinitionSet } from '#libs/definitions';
import type { ManualIndicatorSpec } from './simulation-options';

// The manual indicators of a definition set, with each one's scale and the target of the first KPI
// scored on it, and the reviewers the definitions allow: simulated reviews then look like real ones.
export function manualIndicatorSpecs(set: DefinitionSet): { indicators: ManualIndicatorSpec[]; reviewers: string[] } {
  const kpis = set.scorecards.flatMap((card) => card.kpis);
  const indicators: ManualIndicatorSpec[] = [];
  const reviewers = new Set<string>();
  for (const indicator of set.indicators) {
    if (indicator.measure.kind !== 'manual') continue;
    const spec: ManualIndicatorSpec = {
      id: indicator.id,
      scale: indicator.measure.scale,
      integer: indicator.unit === 'count',
    };
    const kpi = kpis.find((k) => k.indicator === indicator.id);
    if (kpi !== undefined) {
      spec.target = kpi.target;
      spec.direction = kpi.direction;
    }
    indicators.push(spec);
    for (const reviewer of indicator.measure.reviewers ?? []) reviewers.add(reviewer);
  }
  return { indicators, reviewers: [...reviewers] };
}
