import type { IndicatorDef } from './model';

// A cumulative indicator grows through its period (a sum, a count, a distinct count, with no
// denominator): the ones a target can be pro-rated for (docs/definitions.md, Pace). Ratios, averages,
// manual scores and overdue shares are not.
export function isCumulative(indicator: IndicatorDef): boolean {
  return indicator.measure.kind === 'terms' && indicator.measure.denominator === undefined;
}
