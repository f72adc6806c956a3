import type { Measure } from '#libs/definitions';
import type { IndicatorValue } from './indicator-value';

// What an indicator reads where nothing was counted (an entity and period without events for it):
// 0 for a count or a sum without denominator (nothing happened), null for a ratio (0 ÷ 0), a manual
// score (none given), an overdue share (no open balance) or a lifecycle measure (no pair). The engine's reading of an empty state,
// and a stored-values reader's reading of a missing row: the two must agree.
export function emptyReading(measure: Measure): Pick<IndicatorValue, 'value' | 'numerator' | 'denominator'> {
  switch (measure.kind) {
    case 'terms':
      return measure.denominator === undefined
        ? { value: 0, numerator: 0, denominator: null }
        : { value: null, numerator: 0, denominator: 0 };
    case 'overdue-ratio':
    case 'lifecycle':
    case 'conversion':
      return { value: null, numerator: 0, denominator: 0 };
    case 'manual':
      return { value: null, numerator: null, denominator: null };
  }
}
