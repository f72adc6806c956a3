import type { Direction } from '#libs/definitions';
import type { KpiPace } from './scorecard-score';

// A cumulative KPI `elapsed` into its period: the target pro-rated to now, the actual's run rate
// projected to the period end, and how far ahead (positive) or behind the pro-rated target it is.
// elapsed is in (0, 1] (scoreCardAt gives no pace before anything of the period has elapsed); gap is
// null when there is no actual or nothing is expected (a target of 0).
export function paceOf(
  actual: number | null,
  target: number,
  direction: Direction,
  elapsed: number,
  scoredOn: KpiPace['scoredOn'],
): KpiPace {
  const expected = target * elapsed;
  const ratio = actual === null || expected === 0 ? null : actual / expected;
  return {
    elapsed,
    expected,
    projected: actual === null ? null : actual / elapsed,
    gap: ratio === null ? null : direction === 'higher' ? ratio - 1 : 1 - ratio,
    scoredOn,
  };
}
