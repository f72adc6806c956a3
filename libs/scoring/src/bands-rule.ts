import type { Band, ScoringRule } from '#libs/definitions';
import { atMost, below, exceeds, reaches } from './boundary';

type BandsRule = Extract<ScoringRule, { kind: 'bands' }>;

export function bandHolds(band: Band, actual: number): boolean {
  if (band.gt !== undefined && !exceeds(actual, band.gt)) return false;
  if (band.gte !== undefined && !reaches(actual, band.gte)) return false;
  if (band.lt !== undefined && !below(actual, band.lt)) return false;
  if (band.lte !== undefined && !atMost(actual, band.lte)) return false;
  return true;
}

// The first band that holds wins. An actual outside every band earns nothing (the validator warns when
// the last band has bounds), rather than being taken for missing data.
export function scoreBandsRule(rule: BandsRule, actual: number): number {
  const band = rule.bands.find((b) => bandHolds(b, actual));
  return band === undefined ? 0 : (band.score * 100) / rule.outOf;
}
